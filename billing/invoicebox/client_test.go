package invoicebox

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"Seconds", "3", 3 * time.Second},
		{"Zero", "0", 0},
		{"HTTPDate", "Sun, 22 Nov 2026 09:00:30 GMT", 30 * time.Second},
		{"DateInThePast", "Sun, 22 Nov 2026 08:00:00 GMT", 0},
		{"Missing", "", DefaultRetryAfter},
		{"Garbage", "soon", DefaultRetryAfter},
		{"Negative", "-5", DefaultRetryAfter},
		{"AbsurdlyLarge", "99999999999999", 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, retryAfter(tt.value, now))
		})
	}
}

func TestSleepStopsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, sleepCtx(ctx, time.Hour), context.Canceled)
	require.NoError(t, sleepCtx(context.Background(), 0))
}

func TestOrderInputHeaderValidation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(*OrderInput)
		field string
	}{
		{"NoMerchantOrderID", func(in *OrderInput) { in.MerchantOrderID = "" }, "merchantOrderId"},
		{"NoDescription", func(in *OrderInput) { in.Description = "" }, "description"},
		{"UnknownCurrency", func(in *OrderInput) { in.Currency = "RUR" }, "currency"},
		{"UnknownLanguage", func(in *OrderInput) { in.Language = "de" }, "language"},
		{"RelativeNotificationURL", func(in *OrderInput) { in.URLs.Notification = "/webhooks/invoicebox" }, "notificationUrl"},
		{"NoCustomerKind", func(in *OrderInput) { in.Customer.Kind = "" }, "customer.kind"},
		{"NoLines", func(in *OrderInput) { in.Lines = nil }, "lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validOrderInput("PAY-H", now)
			tt.edit(&in)
			var ie *InputError
			require.ErrorAs(t, in.Validate(), &ie)
			require.Equal(t, tt.field, ie.Field)
		})
	}
	require.NoError(t, validOrderInput("PAY-H", now).Validate())
}

func TestOrderStatusOpen(t *testing.T) {
	t.Parallel()
	for s, open := range map[OrderStatus]bool{
		StatusCreated: true, StatusHold: true, StatusDraft: true,
		StatusCompleted: false, StatusExpired: false, StatusCanceled: false,
	} {
		require.Equal(t, open, s.IsOpen(), s)
		require.True(t, s.IsKnown())
	}
	require.False(t, OrderStatus("success").IsKnown())
}
