package app

import (
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSecurityVariablesAreValidated(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] })
	}
	bad := map[string]map[string]string{
		"B24PAY_METRICS_TOKEN":                {"B24PAY_METRICS_TOKEN": "short"},
		"B24PAY_METRICS_ALLOW":                {"B24PAY_METRICS_ALLOW": "10.0.0.0/8, intranet"},
		"B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS": {"B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS": "sometimes"},
	}
	for name, env := range bad {
		_, err := load(env)
		require.ErrorContains(t, err, name)
	}
	cfg, err := load(map[string]string{"B24PAY_METRICS_TOKEN": "metrics-token-0123456789",
		"B24PAY_METRICS_ALLOW": "10.0.0.0/8, 192.168.1.7, ::1", "B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS": "true"})
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("::1/128")}, cfg.Security.MetricsAllow)
	require.True(t, cfg.Billing.AllowPrivateHosts)
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("cfg", "config", cfg)
	require.NotContains(t, sb.String(), "metrics-token-0123456789")
}
