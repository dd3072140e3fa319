package billing

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// owing is the bundle's service seeing the payable owe another amount (the same database and route).
func (b *testBundle) owing(outstanding int64) *Service {
	return NewService(b.db, b.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), rub(outstanding),
		Config{PublicURL: "https://app.example"}, b.prov)
}

func (b *testBundle) open(t *testing.T, payableID int64) []Payment {
	t.Helper()
	var out []Payment
	require.NoError(t, b.db.Where("payable_id = ? AND status IN ?", payableID, []string{StatusPending, StatusUnknown}).Find(&out).Error)
	return out
}

// A crash after the provider cancelled the old order but before we recorded it: the next run sees
// the order closed there and makes the new one, under the same link, once.
func TestFollowAfterACrashBetweenCancelAndCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		old := b.newPayment(t, 1)
		require.NoError(t, b.prov.Cancel(ctx, old.ProviderRef)) // then the process died
		svc := b.owing(12_000_00)
		require.NoError(t, svc.Follow(ctx, "m1", "instalment", []int64{1}))
		require.NoError(t, svc.Follow(ctx, "m1", "instalment", []int64{1}), "a repeated run changes nothing")
		live := b.open(t, 1)
		require.Len(t, live, 1)
		require.Equal(t, int64(12_000_00), live[0].AmountMinor)
		require.Equal(t, old.PayToken, live[0].PayToken)
		require.Equal(t, StatusCancelled, b.payment(t, old.ID).Status)
		require.Len(t, b.prov.created, 2)
	})
}

// While the old order cannot be withdrawn, no new one is made: the outbox retries.
func TestFollowMakesNoSecondOrderWhileTheOldOneIsLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		old := b.newPayment(t, 1)
		down := errors.New("provider unreachable")
		b.prov.onCancel = func(string) error { return down }
		svc := b.owing(12_000_00)
		require.ErrorIs(t, svc.Follow(ctx, "m1", "instalment", []int64{1}), down)
		require.Len(t, b.prov.created, 1, "no second order")
		require.Equal(t, StatusPending, b.payment(t, old.ID).Status, "the old order is still ours to pay")

		b.prov.mu.Lock()
		b.prov.onCancel = nil
		b.prov.mu.Unlock()
		require.NoError(t, svc.Follow(ctx, "m1", "instalment", []int64{1}))
		live := b.open(t, 1)
		require.Len(t, live, 1)
		require.Equal(t, int64(12_000_00), live[0].AmountMinor)
	})
}

// Nothing owed any more (paid another way): the order is withdrawn, none is made.
func TestFollowWithNothingOwedWithdrawsTheOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		old := b.newPayment(t, 1)
		require.NoError(t, b.owing(0).Follow(ctx, "m1", "instalment", []int64{1}))
		require.Empty(t, b.open(t, 1))
		require.Equal(t, StatusCancelled, b.payment(t, old.ID).Status)
		require.Equal(t, []string{old.ProviderRef}, b.prov.cancelled)
		require.Len(t, b.prov.created, 1)
	})
}
