package subscriptions

import (
	"context"
	"log/slog"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

func TestBadInputIsRefusedAndNothingIsStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-10")
		zero := decimal.Zero
		cases := map[string]struct {
			edit  func(*CreateInput)
			field string
		}{
			"AmountZero":            {func(in *CreateInput) { in.Amount = decimal.Zero }, "amount"},
			"AmountNegative":        {func(in *CreateInput) { in.Amount = decimal.RequireFromString("-5") }, "amount"},
			"AmountFractionOfKopek": {func(in *CreateInput) { in.Amount = decimal.RequireFromString("1.005") }, "amount"},
			"FirstAmountZero":       {func(in *CreateInput) { in.FirstAmount = &zero }, "first_amount"},
			"PeriodZero":            {func(in *CreateInput) { in.PeriodEvery = 0 }, "period"},
			"PeriodUnknown":         {func(in *CreateInput) { in.PeriodUnit = "fortnight" }, "period"},
			"EndBeforeStart": {func(in *CreateInput) {
				in.EndKind, in.EndDate = EndDate, "2027-01-09"
			}, "end_date"},
			"EndCountZero":            {func(in *CreateInput) { in.EndKind = EndCount }, "end_count"},
			"CurrencyUnsupportedCard": {func(in *CreateInput) { in.Currency = "USD" }, "currency"},
			"CurrencyUnknown":         {func(in *CreateInput) { in.Currency = "XXX" }, "currency"},
			"RouteNotBilledYet":       {func(in *CreateInput) { in.Route = RouteInvoicebox }, "route"},
			"NoEmail":                 {func(in *CreateInput) { in.Client.Email = "" }, "email"},
			"NoClient":                {func(in *CreateInput) { in.Client.B24ID = 0 }, "client"},
		}
		for name, c := range cases {
			in := monthly("2027-01-10")
			c.edit(&in)
			_, err := tb.svc.Create(context.Background(), in)
			var fe *FieldError
			require.ErrorAs(t, err, &fe, name)
			require.Equal(t, c.field, fe.Field, name)
			require.ErrorIs(t, err, ErrInvalidInput, name)
		}
		require.Zero(t, tb.count(t, "subscriptions"))
		require.Zero(t, tb.count(t, "clients"))
	})
}

func TestCardRouteWithoutYooKassaIsRefused(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	svc, err := NewService(db, clock.System{}, slog.New(slog.DiscardHandler), Config{}, nil)
	require.NoError(t, err)
	_, err = svc.Create(context.Background(), monthly("2027-01-10"))
	require.ErrorIs(t, err, ErrRouteUnavailable)
	var n int64
	require.NoError(t, db.Table("subscriptions").Count(&n).Error)
	require.Zero(t, n)
}

func TestConsentIsRequiredAndStoredWithTheTerms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-10")
		ctx := context.Background()
		sub, err := tb.svc.Create(ctx, monthly("2027-01-10"))
		require.NoError(t, err)
		require.Equal(t, StatusAwaitingConsent, sub.Status)

		_, err = tb.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: false})
		require.ErrorIs(t, err, ErrConsentMissing)
		require.Zero(t, tb.count(t, "subscription_consents"))
		require.Zero(t, tb.count(t, "subscription_charges"))
		require.Zero(t, tb.shop.Payments())

		first, err := tb.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
		require.NoError(t, err)
		again, err := tb.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
		require.NoError(t, err)
		require.Equal(t, first, again, "a reload must not start a second payment")
		require.Equal(t, 1, tb.shop.Payments())

		var consent Consent
		require.NoError(t, db.Where("subscription_id = ?", sub.ID).First(&consent).Error)
		require.Equal(t, "203.0.113.7", consent.IP)
		require.Equal(t, "Firefox", consent.UserAgent)
		require.Equal(t, "2026-12", consent.TextVersion)
		require.Contains(t, consent.Terms, `"amount":"990,00`)
		require.Contains(t, consent.Terms, `"period":"ежемесячно"`)
		require.Contains(t, consent.Terms, `"merchant":"ООО «Ромашка»"`)
	})
}

func TestPeriodText(t *testing.T) {
	t.Parallel()
	for every, want := range map[int]string{1: "ежемесячно", 2: "каждые 2 месяца", 5: "каждые 5 месяцев", 11: "каждые 11 месяцев", 21: "каждый 21 месяц"} {
		require.Equal(t, want, Subscription{PeriodUnit: "month", PeriodEvery: every}.PeriodText())
	}
}

func TestStateMachines(t *testing.T) {
	t.Parallel()
	require.True(t, CanMoveSubscription(StatusActive, StatusPastDue))
	require.True(t, CanMoveSubscription(StatusPastDue, StatusActive))
	require.False(t, CanMoveSubscription(StatusCancelled, StatusActive))
	require.False(t, CanMoveSubscription(StatusEnded, StatusActive))
	require.False(t, CanMoveSubscription(StatusAwaitingConsent, StatusPastDue))
	require.True(t, CanMoveCharge(ChargeUnknown, ChargeSucceeded))
	require.False(t, CanMoveCharge(ChargeSucceeded, ChargePending))
	require.False(t, CanMoveCharge(ChargeVoid, ChargePending))
	sub := Subscription{Status: StatusCancelled}
	require.ErrorIs(t, sub.moveTo(StatusActive), ErrIllegalTransition)
}
