package invoicebox

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseNotificationOurVector(t *testing.T) {
	t.Parallel()
	n, err := ParseNotification([]byte(ourVectorBody))
	require.NoError(t, err)
	require.Equal(t, "0193a1b2-0000-7000-8000-000000000001", n.InvoiceboxID)
	require.Equal(t, "INV-2026-0042", n.MerchantOrderID)
	require.Equal(t, "ffffffff-ffff-ffff-ffff-ffffffffffff", n.MerchantID)
	require.Equal(t, StatusCompleted, n.Status)
	require.True(t, n.Paid())
	require.False(t, n.NeedsLookup())
	require.False(t, n.Probe)
	require.Equal(t, "12200.00", n.Amount.StringFixed(2))
	require.Equal(t, "RUB", n.Currency)
	require.Equal(t, "invoicebox:0193a1b2-0000-7000-8000-000000000001:completed:12200", n.DedupKey)
}

// The SDK sample says "success" where the docs say "completed": not paid until re-read.
func TestParseNotificationSDKVectorNeedsLookup(t *testing.T) {
	t.Parallel()
	n, err := ParseNotification(sdkVectorBody(t))
	require.NoError(t, err)
	require.Equal(t, "55626", n.MerchantOrderID)
	require.Equal(t, OrderStatus("success"), n.Status)
	require.False(t, n.Paid())
	require.True(t, n.NeedsLookup())
	require.Equal(t, "2790.67", n.Amount.StringFixed(2))
	require.Equal(t, time.Date(2023, 6, 20, 14, 27, 58, 0, time.UTC), n.CreatedAt)
	require.True(t, n.ForMerchant("ffffffff-ffff-ffff-ffff-ffffffffffff"))
	require.False(t, n.ForMerchant("00000000-0000-0000-0000-000000000000"))
}

func TestParseNotificationProbe(t *testing.T) {
	t.Parallel()
	for _, id := range []string{ProbeOrderID, LegacyProbeOrderID} {
		body := `{"id":"` + id + `","status":"completed","merchantId":"m-1","merchantOrderId":"","currencyId":"RUB"}`
		n, err := ParseNotification([]byte(body))
		require.NoError(t, err, id)
		require.True(t, n.Probe)
		require.Equal(t, "success", AnswerFor(nil).Status)
	}
}

func TestParseNotificationSameEventSameKey(t *testing.T) {
	t.Parallel()
	a, err := ParseNotification([]byte(ourVectorBody))
	require.NoError(t, err)
	b, err := ParseNotification([]byte(strings.Replace(ourVectorBody, `"currencyId"`, `"paidAt":"2026-11-22T09:00:00+00:00","currencyId"`, 1)))
	require.NoError(t, err)
	require.Equal(t, a.DedupKey, b.DedupKey)
	require.Equal(t, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), b.PaidAt)
	c, err := ParseNotification([]byte(strings.Replace(ourVectorBody, `"completed"`, `"canceled"`, 1)))
	require.NoError(t, err)
	require.NotEqual(t, a.DedupKey, c.DedupKey)
}

func TestParseNotificationAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, amount, want string
	}{
		{"TwoDecimals", "12200.00", "12200.00"},
		{"Integer", "12200", "12200.00"},
		{"OneDecimal", "2790.6", "2790.60"},
		{"FloatNoise", "371.88000000000005", "371.88"},
		{"Exponent", "1.22e4", "12200.00"},
		{"QuotedNumber", `"12200.00"`, "12200.00"},
		{"Zero", "0", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := ParseNotification([]byte(strings.Replace(ourVectorBody, "12200.00", tt.amount, 1)))
			require.NoError(t, err)
			require.Equal(t, tt.want, n.Amount.StringFixed(2))
		})
	}
}

func TestParseNotificationRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"Empty", ``, "body"},
		{"NotJSON", `status=completed`, "body"},
		{"Array", `[` + ourVectorBody + `]`, "body"},
		{"Null", `null`, "id"},
		{"TrailingGarbage", ourVectorBody + `}`, "body"},
		{"NumericID", strings.Replace(ourVectorBody, `"0193a1b2-0000-7000-8000-000000000001"`, `42`, 1), "body"},
		{"NoID", strings.Replace(ourVectorBody, `"id":"0193a1b2-0000-7000-8000-000000000001",`, ``, 1), "id"},
		{"NoStatus", strings.Replace(ourVectorBody, `"status":"completed",`, ``, 1), "status"},
		{"NoMerchant", strings.Replace(ourVectorBody, `"merchantId":"ffffffff-ffff-ffff-ffff-ffffffffffff",`, ``, 1), "merchantId"},
		{"EmptyOurOrderID", strings.Replace(ourVectorBody, `"INV-2026-0042"`, `""`, 1), "merchantOrderId"},
		{"NoAmount", strings.Replace(ourVectorBody, `"amount":12200.00,`, ``, 1), "amount"},
		{"NullAmount", strings.Replace(ourVectorBody, `12200.00`, `null`, 1), "amount"},
		{"ThreeDecimals", strings.Replace(ourVectorBody, `12200.00`, `12200.005`, 1), "amount"},
		{"NegativeAmount", strings.Replace(ourVectorBody, `12200.00`, `-1`, 1), "amount"},
		{"HugeExponent", strings.Replace(ourVectorBody, `12200.00`, `1e999999999`, 1), "amount"},
		{"AmountAsWord", strings.Replace(ourVectorBody, `12200.00`, `"много"`, 1), "amount"},
		{"NoCurrency", strings.Replace(ourVectorBody, `,"currencyId":"RUB"`, ``, 1), "currencyId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseNotification([]byte(tt.body))
			require.ErrorIs(t, err, ErrMalformedNotification)
			var ne *NotificationError
			require.ErrorAs(t, err, &ne)
			require.Equal(t, tt.field, ne.Field)
		})
	}
}

func TestParseNotificationTooLarge(t *testing.T) {
	t.Parallel()
	_, err := ParseNotification(make([]byte, MaxNotificationBytes+1))
	require.ErrorIs(t, err, ErrMalformedNotification)
}

func FuzzParseNotification(f *testing.F) {
	f.Add([]byte(ourVectorBody))
	f.Add(sdkVectorBody(f))
	f.Add([]byte(`{"id":"ffffffff-ffff-ffff-ffff-ffffffffffff","status":"completed","merchantId":"m","merchantOrderId":""}`))
	f.Add([]byte(strings.Replace(ourVectorBody, "12200.00", "1e999999999", 1)))
	f.Add([]byte(`{"amount":"-0.000000001e-40"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := ParseNotification(body)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformedNotification)
			return
		}
		require.NotEmpty(t, n.InvoiceboxID)
		require.NotEmpty(t, n.MerchantID)
		require.NotEmpty(t, n.Status)
		require.NotEmpty(t, n.DedupKey)
		require.False(t, n.Amount.IsNegative() && !n.Probe)
		require.True(t, n.Amount.Equal(n.Amount.Round(2)))
		if !n.Probe {
			require.NotEmpty(t, n.MerchantOrderID)
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte(ourVectorBody), ourVectorSig, "demo-notify-key")
	f.Add(sdkVectorBody(f), sdkVectorSig, "test")
	f.Add([]byte(`{}`), "", "k")
	f.Add([]byte(`{}`), "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "k")
	f.Fuzz(func(t *testing.T, body []byte, sig, key string) {
		err := VerifySignature(body, signed(sig), key)
		if err == nil {
			require.NotEmpty(t, key)
			// Only the true MAC, in one of its encodings, is accepted.
			raw, ok := decodeSignature(strings.TrimSpace(sig))
			require.True(t, ok)
			require.Equal(t, Sign(body, key), hexString(raw))
			return
		}
		require.True(t, err == ErrNoNotificationKey || errorIs(err, ErrBadSignature), "%v", err)
		if key != "" {
			require.NoError(t, VerifySignature(body, signed(Sign(body, key)), key))
		}
	})
}

func BenchmarkParseNotification(b *testing.B) {
	body := sdkVectorBody(b)
	for b.Loop() {
		if _, err := ParseNotification(body); err != nil {
			b.Fatal(err)
		}
	}
}
