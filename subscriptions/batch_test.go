package subscriptions

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
	"b24pay/clock"
	"b24pay/mail"
	"b24pay/store"
	"b24pay/store/storetest"
)

// A pass costs a fixed number of statements and transactions per claimed batch, however many
// subscriptions the batch holds (it was 10 statements and 2 transactions per charge).
func TestAPassCostsTheSameStatementsForAnyBatchSize(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2027, 2, 15, 6, 0, 0, 0, time.UTC)
		seed(t, db, 60, now)
		cdb, pool := counted(db)
		svc, err := NewService(cdb, clock.NewFrozen(now), slog.New(slog.DiscardHandler),
			Config{Merchant: "M", PublicURL: "https://pay.example.ru", Batch: 100}, &instantGateway{keys: map[string]PayResult{}})
		require.NoError(t, err)
		rep, err := svc.RunDue(context.Background(), now)
		require.NoError(t, err)
		require.EqualValues(t, 60, rep.Claimed)
		require.Zero(t, rep.Errors)

		// One batch: a claim per lane (all but one find nothing), the current charges, the
		// subscriptions' leases and the new charges; then the locked subscriptions, their charges,
		// the settled charges and subscriptions, the outbox rows. The two writes of the
		// subscriptions are split where the database limits a statement's parameters (SQLite: 999).
		per := store.RowsPerStatement(db.DB, len(subscriptionState)+1)
		split := 2 * int64((60+per-1)/per-1)
		require.LessOrEqual(t, pool.statements.Load(), int64(passLanes+10)+split)
		require.LessOrEqual(t, pool.transactions.Load(), int64(passLanes+2))
		var charged, mails int64
		require.NoError(t, db.Model(&Charge{}).Where("seq = 1 AND status = ?", ChargeSucceeded).Count(&charged).Error)
		require.NoError(t, db.Table("outbox").Where("topic = ?", mail.Topic).Count(&mails).Error)
		require.EqualValues(t, 60, charged)
		require.EqualValues(t, 60, mails)
	})
}

// One batch holds subscriptions in different states; each gets what it needs, and a decline or
// a cancellation of one changes nothing for the others.
func TestOneBatchMixesChargesDeclinesAndCancellations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15", func(c *Config) { c.Batch, c.Workers = 10, 3 })
		subs := tb.subscribeMany(t, 5, "2027-01-15")
		paid, soft, hard, leaving, other := subs[0], subs[1], subs[2], subs[3], subs[4]
		tb.shop.SetMethodDecline(soft.PaymentMethodID, yookassa.ReasonInsufficientFunds)
		tb.shop.SetMethodDecline(hard.PaymentMethodID, yookassa.ReasonCardExpired)
		_, err := tb.svc.Cancel(t.Context(), member, leaving.ID, true)
		require.NoError(t, err)

		tb.at(t, "2027-02-15")
		tb.shop.FailNext(1, 500, true) // the first charge asked is carried out, its answer lost
		rep := tb.run(t)
		require.EqualValues(t, 5, rep.Claimed)
		status := map[int64]string{}
		for _, sub := range subs {
			if cs := tb.charges(t, sub.ID); len(cs) == 2 {
				status[sub.ID] = cs[1].Status
			}
		}
		unknown := 0
		for _, st := range status {
			if st == ChargeUnknown {
				unknown++
			}
		}
		require.Equal(t, 1, unknown, "one lost answer: %v", status)
		require.Equal(t, StatusCancelled, tb.sub(t, leaving.ID).Status)
		require.NotContains(t, status, leaving.ID)

		tb.clock.Advance(tb.svc.cfg.Lease + time.Second) // the unknown one is looked up
		tb.run(t)
		require.Equal(t, ChargeSucceeded, tb.charges(t, paid.ID)[1].Status)
		require.Equal(t, ChargeSucceeded, tb.charges(t, other.ID)[1].Status)
		require.Equal(t, ChargeFailed, tb.charges(t, soft.ID)[1].Status)
		require.Equal(t, "2027-02-16", tb.sub(t, soft.ID).NextChargeOn)
		require.Equal(t, ChargeDeclined, tb.charges(t, hard.ID)[1].Status)
		for _, sub := range []Subscription{paid, soft, hard, other} {
			require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID), "subscription %d", sub.ID)
		}
		require.Equal(t, 0, tb.shop.Charges(leaving.PaymentMethodID))

		tb.at(t, "2027-02-16") // only the soft decline is retried
		tb.run(t)
		require.Equal(t, 2, tb.shop.Charges(soft.PaymentMethodID))
		for _, sub := range []Subscription{paid, hard, other} {
			require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID), "subscription %d", sub.ID)
		}
		require.Equal(t, StatusActive, tb.sub(t, paid.ID).Status)
		require.Equal(t, "2027-03-15", tb.sub(t, other.ID).NextChargeOn)
	})
}
