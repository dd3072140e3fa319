package app

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/schedules"
)

func TestConfigDefaultsAndOAuthRegion(t *testing.T) {
	t.Parallel()
	env := map[string]string{"B24PAY_B24_PORTAL_URL": "https://acme.bitrix24.ru/", "B24PAY_B24_CLIENT_ID": "local.1",
		"B24PAY_B24_CLIENT_SECRET": "very-secret"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.Addr)
	require.Equal(t, "Europe/Moscow", cfg.Timezone.String())
	require.Equal(t, 3, cfg.RemindDays)
	require.Equal(t, "https://acme.bitrix24.ru", cfg.B24.PortalURL)
	require.Equal(t, "acme.bitrix24.ru", cfg.B24.PortalHost())
	require.Equal(t, "https://oauth.bitrix24.tech", cfg.B24.OAuthURL, "Russian-region portals use the east server")
	require.Equal(t, 2.0, cfg.B24.Rate)
	require.Equal(t, 50, cfg.B24.Burst)
	require.Equal(t, PoolConfig{DBMaxConns: 20, OutboxWorkers: 0}, cfg.Pool)

	env["B24PAY_B24_PORTAL_URL"] = "https://acme.bitrix24.com"
	cfg, err = LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, "https://oauth.bitrix.info", cfg.B24.OAuthURL)

	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("cfg", "config", cfg)
	require.NotContains(t, sb.String(), "very-secret")
}

// TestConfigAcceptsEveryVATRate keeps the Invoicebox setting on the one list of rates.
func TestConfigAcceptsEveryVATRate(t *testing.T) {
	t.Parallel()
	for _, rate := range schedules.VATRates {
		env := map[string]string{"B24PAY_INVOICEBOX_VAT": string(rate)}
		cfg, err := LoadConfig(func(k string) string { return env[k] })
		require.NoError(t, err, rate)
		code, ok := vatCode(cfg.Billing.InvoiceboxVAT)
		require.True(t, ok, rate)
		pct, _ := code.Rate()
		require.Equal(t, string(rate), map[bool]string{true: "none", false: strconv.FormatInt(pct, 10)}[rate == schedules.VATNone])
	}
	_, err := LoadConfig(func(k string) string { return map[string]string{"B24PAY_INVOICEBOX_VAT": "18"}[k] })
	require.ErrorContains(t, err, "0, 5, 7, 10, 20, 22 or none")
}

func TestPoolSizeIsValidated(t *testing.T) {
	t.Parallel()
	for _, bad := range []map[string]string{{"B24PAY_DB_MAX_CONNS": "0"}, {"B24PAY_DB_MAX_CONNS": "lots"},
		{"B24PAY_OUTBOX_WORKERS": "-1"}, {"B24PAY_OUTBOX_WORKERS": "1000"}} {
		_, err := LoadConfig(func(k string) string { return bad[k] })
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, "%v", bad)
		for name := range bad {
			require.Equal(t, name, ce.Var)
		}
	}
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"B24PAY_DB_MAX_CONNS": "64", "B24PAY_OUTBOX_WORKERS": "8"}[k]
	})
	require.NoError(t, err)
	require.Equal(t, PoolConfig{DBMaxConns: 64, OutboxWorkers: 8}, cfg.Pool)
}

// TestConfigPaymentTimeLimits: any limit from one minute to the 30-day deferral; anything else
// stops the service, naming the variable.
func TestConfigPaymentTimeLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, variable, value string
		want                  time.Duration
		err                   string
	}{
		{"InvoiceboxDefault", "B24PAY_INVOICEBOX_TIME_LIMIT", "", 72 * time.Hour, ""},
		{"InvoiceboxOneMinute", "B24PAY_INVOICEBOX_TIME_LIMIT", "1m", time.Minute, ""},
		{"InvoiceboxThirtyDays", "B24PAY_INVOICEBOX_TIME_LIMIT", "720h", 30 * 24 * time.Hour, ""},
		{"InvoiceboxBelowAMinute", "B24PAY_INVOICEBOX_TIME_LIMIT", "59s", 0, "outside"},
		{"InvoiceboxOverThirtyDays", "B24PAY_INVOICEBOX_TIME_LIMIT", "720h1s", 0, "outside"},
		{"InvoiceboxNotADuration", "B24PAY_INVOICEBOX_TIME_LIMIT", "3 days", 0, "not a duration"},
		{"SBPDefault", "B24PAY_SBP_QR_TTL", "", 72 * time.Hour, ""},
		{"SBPFifteenMinutes", "B24PAY_SBP_QR_TTL", "15m", 15 * time.Minute, ""},
		{"SBPZero", "B24PAY_SBP_QR_TTL", "0s", 0, "outside"},
		{"SBPNegative", "B24PAY_SBP_QR_TTL", "-1h", 0, "outside"},
		{"SBPThirtyOneDays", "B24PAY_SBP_QR_TTL", "744h", 0, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{tc.variable: tc.value}
			cfg, err := LoadConfig(func(k string) string { return env[k] })
			if tc.err != "" {
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				require.Contains(t, err.Error(), tc.variable)
				require.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			got := map[string]time.Duration{"B24PAY_INVOICEBOX_TIME_LIMIT": cfg.Billing.InvoiceboxTimeLimit,
				"B24PAY_SBP_QR_TTL": cfg.Billing.SBPQRTTL}[tc.variable]
			require.Equal(t, tc.want, got)
		})
	}
}
