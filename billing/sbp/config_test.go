package sbp_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

func validConfig() sbp.Config {
	return sbp.Config{BaseURL: sbp.SandboxURL, SBPMerchantID: "MA0000000552", SecretKey: "top-secret-key"}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*sbp.Config)
		wantErr bool
	}{
		{"Valid", func(*sbp.Config) {}, false},
		{"NoBaseURL", func(c *sbp.Config) { c.BaseURL = "" }, true},
		{"RelativeBaseURL", func(c *sbp.Config) { c.BaseURL = "/api" }, true},
		{"FTPBaseURL", func(c *sbp.Config) { c.BaseURL = "ftp://pay.raif.ru" }, true},
		{"NoMerchant", func(c *sbp.Config) { c.SBPMerchantID = "" }, true},
		{"MerchantTooLong", func(c *sbp.Config) { c.SBPMerchantID = "MA00000005520" }, true},
		{"NoSecret", func(c *sbp.Config) { c.SecretKey = "" }, true},
		{"NegativeTimeout", func(c *sbp.Config) { c.Timeout = -1 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			tt.edit(&c)
			err := c.Validate()
			if tt.wantErr {
				require.Error(t, err)
				_, newErr := sbp.New(c)
				require.Error(t, newErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestConfigNeverPrintsTheSecret(t *testing.T) {
	t.Parallel()
	c := validConfig()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "sbp", c)
	require.NotContains(t, buf.String(), c.SecretKey)
	require.Contains(t, buf.String(), "MA0000000552")
	require.NotContains(t, fmt.Sprint(c), c.SecretKey)
	require.NotContains(t, fmt.Sprintf("%+v", c), c.SecretKey)
	require.NotContains(t, fmt.Sprintf("%#v", c), c.SecretKey)
}
