package invoicebox

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := Config{Token: "b37c4c689295904ed21eee5d9a48d42e", MerchantID: "ffffffff-ffff-ffff-ffff-ffffffffffff"}
	tests := []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"DefaultsAreEnough", func(*Config) {}, true},
		{"BusinessPrefix", func(c *Config) { c.Prefix = PrefixL3 }, true},
		{"UnknownPrefix", func(c *Config) { c.Prefix = "v2" }, false},
		{"NoToken", func(c *Config) { c.Token = "" }, false},
		{"NoMerchant", func(c *Config) { c.MerchantID = " " }, false},
		{"NotAURL", func(c *Config) { c.BaseURL = "api.invoicebox.ru" }, false},
		{"NegativeTimeout", func(c *Config) { c.Timeout = -time.Second }, false},
		{"MaxLimitAboveThirtyDays", func(c *Config) { c.MaxTimeLimit = 31 * 24 * time.Hour }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tt.edit(&c)
			err := c.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	c := Config{Token: "tok-secret-123", NotificationKey: "key-secret-456", MerchantID: "m"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", c, "token", c.Token)
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Token)
	require.NotContains(t, out, "tok-secret-123")
	require.NotContains(t, out, "key-secret-456")
	require.Contains(t, out, "[REDACTED]")
}
