package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/clock"
	"b24pay/store"
)

// An X-Forwarded-For header names the client only when it comes from a configured proxy: nobody
// can claim one of YooKassa's addresses by sending the header directly.
func TestForwardedForIsTrustedOnlyFromConfiguredProxies(t *testing.T) {
	t.Parallel()
	body := `{"type":"notification","event":"payment.succeeded","object":{"id":"2d5f1f4a-000f-5000-9000-1b68e7b15f3f"}}`
	post := func(e *e2e) int {
		req, err := http.NewRequest(http.MethodPost, e.url+"/webhooks/yookassa", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "185.71.76.1")
		status, _ := e.send(req)
		return status
	}
	var shop *yookassafake.Shop
	direct := newE2E(t, store.SQLite, withYooKassa(t, &shop, "185.71.76.0/27"))
	require.Equal(t, http.StatusForbidden, post(direct), "a forged header from the TCP peer is ignored")

	proxied := newE2E(t, store.SQLite, withYooKassa(t, &shop, "185.71.76.0/27"),
		func(_ *e2e, env map[string]string, _ *clock.Frozen, _ string) {
			env["B24PAY_TRUSTED_PROXIES"] = "127.0.0.1"
		})
	require.NotEqual(t, http.StatusForbidden, post(proxied), "the configured proxy names the client")
}

func TestTrustedProxiesAreValidated(t *testing.T) {
	t.Parallel()
	_, err := LoadConfig(func(k string) string { return map[string]string{"B24PAY_TRUSTED_PROXIES": "10.0.0.0/8, proxy"}[k] })
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "B24PAY_TRUSTED_PROXIES", ce.Var)
	cfg, err := LoadConfig(func(k string) string { return map[string]string{"B24PAY_TRUSTED_PROXIES": "10.0.0.0/8, 172.18.0.2"}[k] })
	require.NoError(t, err)
	require.Equal(t, []string{"10.0.0.0/8", "172.18.0.2/32"}, cfg.Security.trustedProxies())
}
