package subscriptions

import (
	"context"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/yookassa"
	"b24pay/migrations"
	"b24pay/store"
	"b24pay/store/storetest"
)

// migrateDownTo rolls the schema back to version with goose, as an operator would.
func migrateDownTo(t *testing.T, db *store.DB, version int64) {
	t.Helper()
	fsys, err := migrations.For(db.Dialect)
	require.NoError(t, err)
	dialect := goose.DialectPostgres
	if db.Dialect == store.SQLite {
		dialect = goose.DialectSQLite3
	}
	sqlDB, err := db.DB.DB()
	require.NoError(t, err)
	p, err := goose.NewProvider(dialect, sqlDB, fsys)
	require.NoError(t, err)
	_, err = p.DownTo(context.Background(), version)
	require.NoError(t, err)
}

// Refunds the old subscription refund machine stored (one done at YooKassa, one reserved whose
// call a crash cut off, one refused) move to billing with their ids, amounts, statuses and
// manager: the charge becomes a billing payment with what was reserved, the pending one is sent by
// billing's reconciliation under its old id (YooKassa's Idempotence-Key) and announced once, and
// later refunds go on from there.
func TestOldSubscriptionRefundsMoveToBilling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		ctx := context.Background()
		migrateDownTo(t, db, 20)

		done, err := tb.yk.CreateRefund(ctx, "sr-old-done", yookassa.CreateRefund{PaymentID: c.ProviderRef,
			Amount: yookassa.NewAmount(decimal.NewFromInt(300), "RUB")})
		require.NoError(t, err)
		now := tb.clock.Now()
		for _, r := range []struct {
			id, status, ref, lastError string
			amount                     int64
		}{
			{"sr-old-done", "succeeded", done.ID, "", 30000},
			{"sr-old-crashed", "pending", "", "", 20000},
			{"sr-old-refused", "failed", "", "insufficient_funds", 10000},
		} {
			var next any
			if r.status == "pending" {
				next = now
			}
			require.NoError(t, db.Exec(`INSERT INTO subscription_refunds (id, charge_id, subscription_id, member_id, amount_minor,
				currency, status, provider_ref, reason, last_error, manager_id, check_attempts, next_check_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'RUB', ?, ?, 'Клиент не пользовался', ?, 7, 0, ?, ?, ?)`,
				r.id, c.ID, sub.ID, member, r.amount, r.status, r.ref, r.lastError, next, now, now).Error)
		}
		require.NoError(t, db.Exec("UPDATE subscription_charges SET refunded_minor = 50000 WHERE id = ?", c.ID).Error)

		_, err = db.MigrateUp(ctx)
		require.NoError(t, err)
		require.False(t, db.Migrator().HasTable("subscription_refunds"))
		ps := tb.chargePayments(t)
		require.Len(t, ps, 1)
		p := ps[0]
		require.Equal(t, "yookassa", p.Provider)
		require.Equal(t, c.ProviderRef, p.ProviderRef)
		require.Equal(t, billing.StatusPartiallyRefunded, p.Status)
		require.EqualValues(t, 99000, p.PaidMinor)
		require.EqualValues(t, 50000, p.RefundedMinor, "done and reserved, not the refused one")
		rs := tb.refundsOf(t, p.ID)
		require.Len(t, rs, 3)
		byID := map[string]billing.Refund{}
		for _, r := range rs {
			byID[r.ID] = r
			require.EqualValues(t, 7, r.RequestedBy)
			require.Equal(t, "Клиент не пользовался", r.Reason)
		}
		require.Equal(t, billing.RefundSucceeded, byID["sr-old-done"].Status)
		require.Equal(t, done.ID, byID["sr-old-done"].ProviderRef)
		require.Equal(t, billing.RefundFailed, byID["sr-old-refused"].Status)
		require.Equal(t, "insufficient_funds", byID["sr-old-refused"].LastError)
		require.Equal(t, billing.RefundPending, byID["sr-old-crashed"].Status)

		tb.clock.Advance(refundCheckDue)
		tb.reconcile(t)
		tb.reconcile(t)
		rs = tb.refundsOf(t, p.ID)
		for _, r := range rs {
			if r.ID == "sr-old-crashed" {
				require.Equal(t, billing.RefundSucceeded, r.Status)
			}
		}
		require.Equal(t, 2, tb.shop.Refunds(c.ProviderRef), "the crashed refund sent once, under its old id")
		require.Equal(t, 1, tb.b24Events(t, "refunded"), "only the refund finished now is announced")
		require.EqualValues(t, 50000, tb.chargeByID(t, c.ID).RefundedMinor)

		_, err = tb.refund(sub, 0, "490.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)
		r, err := tb.refund(sub, 0, "490")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.Equal(t, p.ID, r.PaymentID)
		require.Equal(t, ShownRefunded, tb.chargeByID(t, c.ID).Shown())
		require.Len(t, tb.chargePayments(t), 1)
	})
}
