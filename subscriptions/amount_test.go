package subscriptions

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// A raise above the consented amount waits for the client: periods are charged the old amount
// until they agree, and then only from the next period.
func TestRaiseNeedsNewConsentAndAppliesFromTheNextPeriod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		require.EqualValues(t, 99000, sub.ConsentedMinor)
		ctx := context.Background()

		tb.at(t, "2027-02-10")
		sub, err := tb.svc.ChangeAmount(ctx, ChangeAmountInput{MemberID: member, ID: sub.ID, Amount: decimal.NewFromInt(1500)})
		require.NoError(t, err)
		require.EqualValues(t, 150000, *sub.PendingAmount())

		tb.at(t, "2027-02-15")
		tb.run(t)
		require.EqualValues(t, 99000, tb.charges(t, sub.ID)[1].AmountMinor, "no consent yet: the old amount")

		tb.at(t, "2027-03-15") // the client agrees on the day period 2 starts: it is not touched
		_, err = tb.svc.AcceptAmount(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
		require.NoError(t, err)
		tb.run(t)
		tb.at(t, "2027-04-15")
		tb.run(t)
		cs := tb.charges(t, sub.ID)
		require.Len(t, cs, 4)
		require.EqualValues(t, 99000, cs[2].AmountMinor)
		require.EqualValues(t, 150000, cs[3].AmountMinor)
		require.EqualValues(t, 150000, tb.sub(t, sub.ID).ConsentedMinor)
		require.Equal(t, Human(150000, "RUB"), tb.svc.Terms(tb.sub(t, sub.ID)).Amount, "the page shows the new amount")
		require.EqualValues(t, 2, tb.count(t, "subscription_consents"))

		_, err = tb.svc.AcceptAmount(ctx, AcceptInput{Token: sub.PayToken, Agreed: true})
		require.ErrorIs(t, err, ErrConflict, "nothing waits for consent any more")
	})
}

// A cut (within the consent) needs no consent and applies from the next period only.
func TestCutAppliesFromTheNextPeriodWithoutConsent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		ctx := context.Background()
		tb.at(t, "2027-02-15") // period 1 starts today: it keeps its amount
		sub, err := tb.svc.ChangeAmount(ctx, ChangeAmountInput{MemberID: member, ID: sub.ID, Amount: decimal.NewFromInt(500)})
		require.NoError(t, err)
		require.Nil(t, sub.PendingAmount())
		tb.run(t)
		tb.at(t, "2027-03-15")
		tb.run(t)
		cs := tb.charges(t, sub.ID)
		require.EqualValues(t, 99000, cs[1].AmountMinor)
		require.EqualValues(t, 50000, cs[2].AmountMinor)

		_, err = tb.svc.ChangeAmount(ctx, ChangeAmountInput{MemberID: "other-portal", ID: sub.ID, Amount: decimal.NewFromInt(1)})
		require.ErrorIs(t, err, ErrNotFound)
		_, err = tb.svc.ChangeAmount(ctx, ChangeAmountInput{MemberID: member, ID: sub.ID, Amount: decimal.Zero})
		require.ErrorIs(t, err, ErrInvalidInput)
	})
}

// Whatever the row says, a charge above the consented amount is never sent to the gateway.
func TestChargeAboveTheConsentedAmountIsImpossible(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		require.NoError(t, db.Exec(`UPDATE subscriptions SET amount_minor = 99001 WHERE id = ?`, sub.ID).Error)
		tb.at(t, "2027-02-15")
		rep, err := tb.svc.RunDue(context.Background(), tb.clock.Now())
		require.NoError(t, err)
		require.EqualValues(t, 1, rep.Errors)
		require.Len(t, tb.charges(t, sub.ID), 1, "no charge row above the consent")
		require.Zero(t, tb.shop.Charges(sub.PaymentMethodID))

		// A charge row that exceeds it (written by hand) is not sent either.
		require.NoError(t, db.Exec(`UPDATE subscriptions SET amount_minor = 99000, lease_until = NULL WHERE id = ?`, sub.ID).Error)
		tb.run(t)
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
		require.NoError(t, db.Exec(`UPDATE subscription_charges SET status = 'failed', amount_minor = 100000,
			next_attempt_on = '2027-02-16' WHERE id = ?`, chargeID(sub.ID, 1)).Error)
		require.NoError(t, db.Exec(`UPDATE subscriptions SET status = 'past_due', seq = 1, next_charge_on = '2027-02-16',
			lease_until = NULL WHERE id = ?`, sub.ID).Error)
		tb.at(t, "2027-02-16")
		rep, err = tb.svc.RunDue(context.Background(), tb.clock.Now())
		require.NoError(t, err)
		require.EqualValues(t, 1, rep.Errors)
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID), "only the period-1 charge made before the edit")
	})
}
