package yookassa_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
)

func TestConfigValidateAndRedaction(t *testing.T) {
	t.Parallel()
	err := yookassa.Config{BaseURL: "ftp://x", Timeout: -1}.Validate()
	require.ErrorContains(t, err, "BaseURL")
	require.ErrorContains(t, err, "ShopID")
	require.ErrorContains(t, err, "SecretKey")
	require.ErrorContains(t, err, "Timeout")
	c := yookassa.Config{BaseURL: yookassa.ProductionURL, ShopID: "100500", SecretKey: "live_topsecret"}
	require.NoError(t, c.Validate())
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%#v", c), c.LogValue().String()} {
		require.NotContains(t, s, "topsecret")
	}
}

func TestHardDeclines(t *testing.T) {
	t.Parallel()
	for reason, hard := range map[string]bool{
		yookassa.ReasonCardExpired: true, yookassa.ReasonPermissionRevoked: true, yookassa.ReasonFraudSuspected: true,
		yookassa.ReasonInvalidCardNumber: true, yookassa.ReasonInsufficientFunds: false,
		yookassa.ReasonGeneralDecline: false, yookassa.ReasonIssuerUnavailable: false, "something_new": false,
	} {
		require.Equal(t, hard, yookassa.HardDecline(reason), reason)
	}
}

func TestAmountDecimal(t *testing.T) {
	t.Parallel()
	require.Equal(t, "990.00", yookassa.NewAmount(decimal.RequireFromString("990"), "RUB").Value)
	for value, ok := range map[string]bool{"990.00": true, "0.01": true, "1.005": false, "-1.00": false,
		"1e999": false, "": false, "abc": false, "1000000000000.00": false} {
		_, err := yookassa.Amount{Value: value, Currency: "RUB"}.Decimal()
		require.Equal(t, ok, err == nil, value)
	}
}
