package finance_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/finance"
	"b24pay/store"
	"b24pay/store/storetest"
)

// A card charge of a subscription that billing holds only because it was refunded (issue 13)
// changes no figure: finance counts neither card charges nor, so, their refunds.
func TestRefundedSubscriptionChargesLeaveTheFiguresAlone(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db, now)
		svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
		ctx := context.Background()
		before, err := svc.Dashboard(ctx, member, finance.Filter{})
		require.NoError(t, err)
		_, beforeRows, err := svc.PaymentsRegister(ctx, member, finance.Filter{}, finance.Page{})
		require.NoError(t, err)

		require.NoError(t, db.Exec(`INSERT INTO payments (id, member_id, payable_kind, payable_id, provider, provider_ref,
			amount_minor, currency, paid_minor, refunded_minor, status, pay_token, created_at, updated_at, settled_at)
			VALUES ('pay_card', ?, 'subscription_charge', 1, 'yookassa', 'yk-1', 99000, 'RUB', 99000, 30000,
			'partially_refunded', 'tok-card', ?, ?, ?)`, member, now, now, now).Error)
		require.NoError(t, db.Exec(`INSERT INTO refunds (id, payment_id, member_id, amount_minor, status, created_at, updated_at)
			VALUES ('ref_card', 'pay_card', ?, 30000, 'succeeded', ?, ?)`, member, now, now).Error)

		after, err := svc.Dashboard(ctx, member, finance.Filter{})
		require.NoError(t, err)
		require.Equal(t, before, after)
		_, afterRows, err := svc.PaymentsRegister(ctx, member, finance.Filter{}, finance.Page{})
		require.NoError(t, err)
		require.Equal(t, beforeRows, afterRows)
	})
}
