package outbox

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/store"
	"b24pay/store/storetest"
)

// Issue 12: messages enqueued into a transaction under Defer are stored by one INSERT at Flush,
// in that transaction only; never in another one, never after a rollback.
func TestDeferredMessagesAreStoredAtFlushInTheirTransactionOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		count := func(tx *gorm.DB, topic string) int64 {
			var n int64
			require.NoError(t, tx.Model(&Row{}).Where("topic = ?", topic).Count(&n).Error)
			return n
		}
		var carried context.Context // a context that still carries the first transaction's Deferred
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			ctx, d := Defer(context.Background(), tx)
			carried = ctx
			dtx := tx.WithContext(ctx)
			for _, key := range []string{"a", "b", "a"} {
				require.NoError(t, Enqueue(dtx, t0, Message{Topic: "t.deferred", Key: key, Payload: key}))
			}
			require.Zero(t, count(tx, "t.deferred"), "gathered, not stored yet")
			require.NoError(t, d.Flush(dtx))
			require.EqualValues(t, 2, count(tx, "t.deferred"), "stored at Flush, the repeated key once")
			require.NoError(t, d.Flush(dtx), "a second Flush has nothing left")
			return nil
		}))
		require.EqualValues(t, 2, count(db.DB, "t.deferred"))

		require.NoError(t, db.WithContext(carried).Transaction(func(tx *gorm.DB) error {
			require.NoError(t, Enqueue(tx, t0, Message{Topic: "t.other", Payload: 1}))
			require.EqualValues(t, 1, count(tx, "t.other"), "another transaction stores at once")
			return nil
		}))

		boom := errors.New("rolled back")
		err := db.Transaction(func(tx *gorm.DB) error {
			ctx, d := Defer(context.Background(), tx)
			dtx := tx.WithContext(ctx)
			require.NoError(t, Enqueue(dtx, t0, Message{Topic: "t.rolled", Payload: 1}))
			require.NoError(t, d.Flush(dtx))
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Zero(t, count(db.DB, "t.rolled"), "flushed into a transaction that rolled back: gone with it")
	})
}
