package finance_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/finance"
)

func TestFeesPerRouteRoundHalfUpPerPayment(t *testing.T) {
	t.Parallel()
	fees, err := finance.ParseFees(" sbp=0.7 , yookassa=2.8,")
	require.NoError(t, err)
	require.EqualValues(t, 7, fees.Fee("sbp", 10_00)) // 0,07 ₽ on 10,00 ₽
	require.EqualValues(t, 1, fees.Fee("sbp", 72))    // 0,504 kopecks → 1
	require.EqualValues(t, 0, fees.Fee("sbp", 71))    // 0,497 → 0
	require.EqualValues(t, 28_00, fees.Fee("yookassa", 1000_00))
	require.Zero(t, fees.Fee("invoicebox", 1000_00), "a route without a fee")
	for _, bad := range []string{"sbp", "paypal=1", "sbp=-1", "sbp=100", "sbp=abc", "sbp=0,7"} {
		_, err := finance.ParseFees(bad)
		require.Error(t, err, bad)
	}
}
