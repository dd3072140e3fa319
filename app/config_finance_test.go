package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBITokenIsValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, token, wantErr string }{
		{"UnsetTurnsTheEndpointOff", "", ""},
		{"LongEnough", "0123456789abcdef0123456789abcdef", ""},
		{"TooShort", "short-token", "B24PAY_BI_TOKEN"},
		{"WithSpaces", "0123456789abcdef 0123456789abcdef", "B24PAY_BI_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"B24PAY_SECRET_KEY": e2eSecretKey, "B24PAY_BI_TOKEN": tc.token}
			cfg, err := LoadConfig(func(k string) string { return env[k] })
			if tc.wantErr != "" {
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				require.Equal(t, tc.wantErr, ce.Var)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.token, cfg.Finance.BIToken)
		})
	}
}
