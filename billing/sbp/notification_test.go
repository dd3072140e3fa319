package sbp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

func TestParseNotificationReadsTheBankSample(t *testing.T) {
	t.Parallel()
	n, err := sbp.ParseNotification([]byte(sdkBody))
	require.NoError(t, err)
	require.Equal(t, "dfe0ff08-4796-46bb-a9fb-93fcd99ce748", n.OrderID)
	require.Equal(t, "AS1000408BSPMRDI8IHBGO4DFQAISU9O", n.QRID)
	require.Equal(t, int64(17998), n.TransactionID)
	require.Equal(t, "MA0000000552", n.SBPMerchantID)
	require.Equal(t, int64(123), n.MerchantID)
	require.True(t, decimal.RequireFromString("101.01").Equal(n.Amount))
	require.Equal(t, "RUB", n.Currency)
	require.Equal(t, sbp.PaymentSuccess, n.Status)
	require.Equal(t, "2020-07-24T17:20:00.999232+03:00", n.TransactionDateRaw)
	require.True(t, time.Date(2020, 7, 24, 14, 20, 0, 999232000, time.UTC).Equal(n.TransactionDate))
	require.True(t, time.Date(2020, 7, 24, 14, 19, 58, 0, time.UTC).Equal(n.CreatedAt))
	require.Empty(t, n.AdditionalInfo)
	require.Equal(t, "sbp:tx:17998:SUCCESS", n.DedupKey)
}

func TestParseVerifiedNotification(t *testing.T) {
	t.Parallel()
	n, err := sbp.ParseVerifiedNotification([]byte(ourBody), signed(ourSignature), ourKey)
	require.NoError(t, err)
	require.Equal(t, "INV-2026-0042", n.OrderID)
	require.True(t, decimal.RequireFromString("1500.50").Equal(n.Amount))

	_, err = sbp.ParseVerifiedNotification([]byte(ourBody), signed(sdkSignature), ourKey)
	require.ErrorIs(t, err, sbp.ErrBadSignature)
}

func TestNotificationDedupKey(t *testing.T) {
	t.Parallel()
	parse := func(body string) sbp.Notification {
		n, err := sbp.ParseNotification([]byte(body))
		require.NoError(t, err)
		return n
	}
	original := parse(sdkBody)
	require.Equal(t, original.DedupKey, parse(sdkBody).DedupKey, "a redelivery has the same key")
	declined := parse(strings.Replace(sdkBody, `"SUCCESS"`, `"DECLINED"`, 1))
	require.NotEqual(t, original.DedupKey, declined.DedupKey, "another status is another event")
	otherTx := parse(strings.Replace(sdkBody, "17998", "17999", 1))
	require.NotEqual(t, original.DedupKey, otherTx.DedupKey)
	noTx := parse(strings.Replace(sdkBody, `"transactionId":17998,`, "", 1))
	require.Equal(t, "sbp:order:dfe0ff08-4796-46bb-a9fb-93fcd99ce748:SUCCESS:2020-07-24T17:20:00.999232+03:00", noTx.DedupKey)
}

func TestParseNotificationRejectsMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body string }{
		{"Empty", ``},
		{"NotJSON", `hello`},
		{"Array", `[1,2]`},
		{"Null", `null`},
		{"TrailingData", sdkBody + `{}`},
		{"MissingOrder", strings.Replace(sdkBody, `"order":"dfe0ff08-4796-46bb-a9fb-93fcd99ce748",`, "", 1)},
		{"MissingAmount", strings.Replace(sdkBody, `"amount":101.01,`, "", 1)},
		{"NullAmount", strings.Replace(sdkBody, `101.01`, `null`, 1)},
		{"MissingStatus", strings.Replace(sdkBody, `"paymentStatus":"SUCCESS",`, "", 1)},
		{"MissingMerchant", strings.Replace(sdkBody, `"sbpMerchantId":"MA0000000552",`, "", 1)},
		{"MissingDate", strings.Replace(sdkBody, `"transactionDate":"2020-07-24T17:20:00.999232+03:00",`, "", 1)},
		{"NegativeAmount", strings.Replace(sdkBody, `101.01`, `-101.01`, 1)},
		{"FractionOfKopeck", strings.Replace(sdkBody, `101.01`, `101.015`, 1)},
		{"HugeExponent", strings.Replace(sdkBody, `101.01`, `1e999999999`, 1)},
		{"TinyExponent", strings.Replace(sdkBody, `101.01`, `1e-999999999`, 1)},
		{"AmountTooLarge", strings.Replace(sdkBody, `101.01`, `10000000000000`, 1)},
		{"AmountNotNumber", strings.Replace(sdkBody, `101.01`, `"abc"`, 1)},
		{"AmountObject", strings.Replace(sdkBody, `101.01`, `{}`, 1)},
		{"BadDate", strings.Replace(sdkBody, `2020-07-24T17:20:00.999232+03:00`, `24.07.2020`, 1)},
		{"TransactionIDNotInteger", strings.Replace(sdkBody, `17998`, `17998.5`, 1)},
		{"MerchantIDText", strings.Replace(sdkBody, `"merchantId":123`, `"merchantId":"x"`, 1)},
		{"OrderWrongType", strings.Replace(sdkBody, `"order":"dfe0ff08-4796-46bb-a9fb-93fcd99ce748"`, `"order":5`, 1)},
		{"TooLarge", `{"order":"` + strings.Repeat("a", 70000) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sbp.ParseNotification([]byte(tt.body))
			require.ErrorIs(t, err, sbp.ErrMalformedNotification)
		})
	}
}

func TestParseNotificationAcceptsVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantAmount string
	}{
		{"AmountAsString", strings.Replace(sdkBody, `101.01`, `"101.01"`, 1), "101.01"},
		{"WholeRubles", strings.Replace(sdkBody, `101.01`, `100`, 1), "100"},
		{"ExponentForm", strings.Replace(sdkBody, `101.01`, `1.0E+2`, 1), "100"},
		{"TransactionIDAsString", strings.Replace(sdkBody, `17998`, `"17998"`, 1), "101.01"},
		{"UnknownFieldsIgnored", strings.Replace(sdkBody, `{`, `{"extra":[1,{"a":2}],`, 1), "101.01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := sbp.ParseNotification([]byte(tt.body))
			require.NoError(t, err)
			require.True(t, decimal.RequireFromString(tt.wantAmount).Equal(n.Amount), n.Amount.String())
		})
	}
}

func FuzzParseNotification(f *testing.F) {
	f.Add([]byte(sdkBody))
	f.Add([]byte(ourBody))
	f.Add([]byte(strings.Replace(sdkBody, `101.01`, `"1e5"`, 1)))
	f.Add([]byte(`{"order":"a","sbpMerchantId":"b","paymentStatus":"c","transactionDate":"2020-07-24T17:20:00Z","amount":0}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := sbp.ParseNotification(body)
		if err != nil {
			require.ErrorIs(t, err, sbp.ErrMalformedNotification)
			return
		}
		require.False(t, n.Amount.IsNegative())
		require.NotEmpty(t, n.OrderID)
		require.NotEmpty(t, n.DedupKey)
		sig, err := sbp.SignBody(body, ourKey)
		require.NoError(t, err)
		require.NoError(t, sbp.VerifySignature(body, signed(sig), ourKey), "a body we can parse verifies under its own signature")
		require.ErrorIs(t, sbp.VerifySignature(body, signed(sig), ourKey+"x"), sbp.ErrBadSignature)
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte(sdkBody), sdkSignature)
	f.Add([]byte(ourBody), ourSignature)
	f.Add([]byte(ourBody), "")
	f.Add([]byte(`{"amount":1}`), "00")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		err := sbp.VerifySignature(body, signed(header), sdkKey)
		if err != nil {
			return
		}
		// Only the five signed fields are authenticated; they must be the genuine ones.
		n, err := sbp.ParseNotification(body)
		require.NoError(t, err)
		require.Equal(t, "dfe0ff08-4796-46bb-a9fb-93fcd99ce748", n.OrderID)
		require.Equal(t, "MA0000000552", n.SBPMerchantID)
		require.Equal(t, sbp.PaymentSuccess, n.Status)
		require.Equal(t, "2020-07-24T17:20:00.999232+03:00", n.TransactionDateRaw)
		require.True(t, decimal.RequireFromString("101.01").Equal(n.Amount))
	})
}

func TestNotificationCheckAgainst(t *testing.T) {
	t.Parallel()
	n, err := sbp.ParseNotification([]byte(ourBody))
	require.NoError(t, err)
	tests := []struct {
		name     string
		merchant string
		amount   string
		currency string
		wantErr  error
	}{
		{"Matches", "MA0000000552", "1500.50", "RUB", nil},
		{"NoCurrencyGiven", "MA0000000552", "1500.5", "", nil},
		{"OtherMerchant", "MA0000000553", "1500.50", "RUB", sbp.ErrForeignMerchant},
		{"OtherAmount", "MA0000000552", "1500.00", "RUB", sbp.ErrWrongAmount},
		{"OtherCurrency", "MA0000000552", "1500.50", "USD", sbp.ErrWrongAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := n
			m.Currency = tt.currency
			err := m.CheckAgainst(tt.merchant, decimal.RequireFromString(tt.amount))
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}
