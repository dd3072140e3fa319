package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/store"
	"b24pay/store/storetest"
)

// Issue 12: a group of notifications that needs no savepoint is committed as one batch: one
// statement reads and locks all their payments, their moves are held and written together before
// the transaction's next statement, then one INSERT stores all their rows and one the outbox
// messages their bookings enqueued.

// groupOf delivers the first body alone (held in its booking, hold, until the others wait behind
// it), then the rest at once; it returns every answer.
func groupOf(t *testing.T, b *testBundle, hold *gate, bodies [][]byte) []Outcome {
	t.Helper()
	outcomes := make([]Outcome, len(bodies))
	var wg sync.WaitGroup
	send := func(i int) {
		wg.Go(func() {
			outcomes[i] = b.svc.Receive(context.Background(), "stub", http.Header{"X-Ok": {"1"}}, bodies[i])
		})
	}
	send(0)
	<-hold.entered
	for i := 1; i < len(bodies); i++ {
		send(i)
	}
	b.waitQueued(len(bodies) - 1)
	close(hold.release)
	wg.Wait()
	return outcomes
}

// payAsGroup delivers that each payment was paid in full (groupOf), counting the statements, and
// requires every answer to be OK.
func payAsGroup(t *testing.T, b *testBundle, db *store.DB, hold *gate, payments, keys []string) *dbCounts {
	t.Helper()
	var c dbCounts
	b.svc.db = counted(db, &c)
	for i, o := range groupOf(t, b, hold, paidBodies(payments, keys)) {
		require.Equal(t, OutcomeOK, o, "delivery %d", i)
	}
	return &c
}

// paidBody is a notification that payment was paid amount, under key.
func paidBody(payment, key, amount string) []byte {
	out, _ := json.Marshal(map[string]string{"PaymentID": payment, "Status": StatusSucceeded, "Amount": amount, "Key": key})
	return out
}

// paidBodies are the notifications that each payment was paid in full, under its key.
func paidBodies(payments, keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i := range keys {
		out[i] = paidBody(payments[i], keys[i], "10000")
	}
	return out
}

// batchBundle opens n payments (payables 300…) with notifications grouped in one lane, each
// booking enqueueing an outbox message; meanwhile, if set, runs in each booking.
func batchBundle(t *testing.T, db *store.DB, n int, meanwhile func(tx *gorm.DB, id int64) error) (*testBundle, *gate, []string, []string) {
	t.Helper()
	return bundleOf(t, db, n, ledger{enqueue: true, meanwhile: meanwhile})
}

// bundleOf is batchBundle with bookings by l (its currency, outstanding and hold set here).
func bundleOf(t *testing.T, db *store.DB, n int, l ledger) (*testBundle, *gate, []string, []string) {
	t.Helper()
	l.hold, l.currency, l.outstanding = newGate(), "RUB", 10_000_00
	b := laned(t, db, 1, l)
	payments, keys := make([]string, n), make([]string, n)
	for i := range n {
		payments[i], keys[i] = b.newPayment(t, int64(300+i)).ID, fmt.Sprintf("b-%d", i)
	}
	return b, l.hold, payments, keys
}

func (b *testBundle) outboxBooked(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, b.db.Table("outbox").Where("topic = ?", "test.booked").Count(&n).Error)
	return n
}

// Bookings that only enqueue (a Bitrix24 payment's) leave the group at four statements: lock the
// payments, write their moves, store the rows, store the messages.
func TestGroupOfDistinctNotificationsIsOneBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 21
		b, hold, payments, keys := bundleOf(t, db, n, ledger{enqueueOnly: true})
		c := payAsGroup(t, b, db, hold, payments, keys)
		require.EqualValues(t, 2, c.committed.Load(), "the first alone, the 20 behind it together")
		require.Zero(t, c.auto.Load())
		alone := int64(4) // lock, move, enqueue, store the row
		require.Equal(t, alone+4, c.inTx.Load(), "the group: lock the payments, one UPDATE of their moves, one INSERT of the rows, one of the messages")
		for i := range n {
			p := b.payment(t, payments[i])
			require.Equal(t, StatusSucceeded, p.Status)
			require.EqualValues(t, 10_000_00, p.PaidMinor)
			require.NotNil(t, p.SettledAt)
			row := b.notice(t, keys[i])
			require.Equal(t, NoticeProcessed, row.Status)
			require.Equal(t, string(OutcomeOK), row.Result)
			require.Equal(t, payments[i], row.PaymentID)
		}
		require.EqualValues(t, n, b.outboxBooked(t), "every booking's message stored")
	})
}

// A booking that reads and writes in the transaction sees its payment moved: the moves held before
// it are written before its first statement.
func TestBookingReadsThePaymentsHeldMove(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 21
		var seen sync.Map
		b, hold, payments, keys := batchBundle(t, db, n, func(tx *gorm.DB, id int64) error {
			var status string
			err := tx.Raw("SELECT status FROM payments WHERE payable_kind = ? AND payable_id = ?", "instalment", id).Scan(&status).Error
			seen.Store(id, status)
			return err
		})
		c := payAsGroup(t, b, db, hold, payments, keys)
		require.EqualValues(t, 2, c.committed.Load(), "the first alone, the 20 behind it together")
		alone := int64(6) // lock, move, read, book, enqueue, store the row
		group := 1 + int64(n-1)*3 + 2
		require.Equal(t, alone+group, c.inTx.Load(), "the group: lock the payments, per notification its move, the booking's read and write, then the rows and the messages")
		for i := range n {
			status, _ := seen.Load(int64(300 + i))
			require.Equal(t, StatusSucceeded, status, "booking %d read its payment moved", i)
			require.EqualValues(t, 10_000_00, b.booked(t, int64(300+i)))
		}
		require.EqualValues(t, n, b.outboxBooked(t))
	})
}

// A held move that finds its payment's row changed fails the batch as a failed settlement does:
// it rolls back and the group is committed the careful way, every payment moved once from the
// status it has. (No statement through gorm can change the row first, since each writes the held
// moves before it runs; this booking goes around gorm.)
func TestHeldMoveOnAChangedRowRollsTheBatchBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var changed atomic.Bool
		b, hold, payments, keys := batchBundle(t, db, 6, func(tx *gorm.DB, id int64) error {
			if id != 303 || !changed.CompareAndSwap(false, true) {
				return nil
			}
			_, err := tx.Statement.ConnPool.ExecContext(context.Background(),
				"UPDATE payments SET status = 'failed' WHERE payable_id = 303")
			return err
		})
		c := payAsGroup(t, b, db, hold, payments, keys)
		require.True(t, changed.Load())
		require.EqualValues(t, 2, c.committed.Load(), "the first alone; the batch rolled back, the careful group committed")
		for i := range 6 {
			require.Equal(t, StatusSucceeded, b.payment(t, payments[i]).Status, "payment %d", i)
			require.EqualValues(t, 10_000_00, b.booked(t, int64(300+i)), "payment %d booked once", i)
			require.Equal(t, NoticeProcessed, b.notice(t, keys[i]).Status)
		}
		require.EqualValues(t, 6, b.outboxBooked(t))
	})
}

// A group holding a notification stored already, or two for one payment, is committed the careful
// way: the repeat answers as the first did and books nothing; the second notification of a payment
// reads the payment as the first left it.
func TestGroupWithARepeatOrTwoForOnePaymentIsCommittedNotificationByNotification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, hold, payments, keys := batchBundle(t, db, 4, nil)
		close(hold.release) // the first booking is not held: pay payment 1 before the group
		require.Equal(t, OutcomeOK, b.notify(payments[1], StatusSucceeded, "10000", keys[1]))
		b.svc.lanes[0] = &noticeLane{}
		hold2 := newGate()
		b.svc.payables = ledger{currency: "RUB", outstanding: 10_000_00, hold: hold2, enqueue: true}
		// payment 0 alone; behind it: the repeat of payment 1, payment 2, and payment 3 twice (a
		// partial payment of 60.00 then the whole 100.00 under another key).
		bodies := [][]byte{paidBody(payments[0], keys[0], "10000"), paidBody(payments[1], keys[1], "10000"),
			paidBody(payments[2], keys[2], "10000"), paidBody(payments[3], "b-3-part", "6000"),
			paidBody(payments[3], "b-3-full", "10000")}
		outcomes := groupOf(t, b, hold2, bodies)
		for i, o := range outcomes {
			require.Equal(t, OutcomeOK, o, "delivery %d", i)
		}
		for i := range 3 {
			require.EqualValues(t, 10_000_00, b.booked(t, int64(300+i)), "payment %d booked once", i)
		}
		require.EqualValues(t, 10_000_00, b.booked(t, 303), "60.00, then the 40.00 more of the corrected total")
		require.EqualValues(t, 10_000_00, b.payment(t, payments[3]).PaidMinor)
		var rows int64
		require.NoError(t, b.db.Model(&Notification{}).Count(&rows).Error)
		require.EqualValues(t, 5, rows)
	})
}

// A row stored under one of the group's keys while the batch runs (as by another replica; here
// inside the batch, so that its rollback removes it again) rolls the whole batch back: no
// notification is left answered by a row that is not its own, the group is stored again the
// careful way, and nothing is booked twice or lost.
func TestRowStoredMeanwhileRollsTheBatchBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var injected atomic.Bool
		var payments []string
		b, hold, ps, keys := batchBundle(t, db, 6, func(tx *gorm.DB, id int64) error {
			if id != 303 || !injected.CompareAndSwap(false, true) {
				return nil
			}
			key := "b-4" // payment 4's notification, as another replica would have stored and settled it
			return tx.Create(&Notification{Provider: "stub", DedupKey: &key, PaymentID: payments[4], Headers: "{}",
				Body: "{}", Status: NoticeFailed, Attempts: 1}).Error
		})
		payments = ps
		c := payAsGroup(t, b, db, hold, payments, keys)
		require.True(t, injected.Load())
		require.EqualValues(t, 2, c.committed.Load(), "the first alone; the batch rolled back, the careful group committed")
		for i := range 6 {
			require.EqualValues(t, 10_000_00, b.booked(t, int64(300+i)), "payment %d booked once", i)
			require.Equal(t, NoticeProcessed, b.notice(t, keys[i]).Status)
		}
		require.Contains(t, b.notice(t, "b-4").Body, payments[4], "the key's row is the one its own delivery stored")
		require.EqualValues(t, 6, b.outboxBooked(t), "the rolled-back batch's messages are gone, the careful group's stored")
	})
}

// A status written in the group's transaction before its payment's first lock there is not hidden
// by the row read at the start: lock reads it again.
func TestPrelockedPaymentWrittenBeforeItsLockIsReadAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		p := b.newPayment(t, 1)
		ctx := context.Background()
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			lctx, err := b.svc.prelock(ctx, tx, []string{p.ID, "no-such-payment"})
			require.NoError(t, err)
			ltx := tx.WithContext(lctx)
			stale := *prelockedFor(ltx).rows[p.ID]
			require.NoError(t, b.svc.transition(ltx, &stale, StatusFailed, nil))
			got, err := b.svc.lock(ltx, p.ID)
			require.NoError(t, err)
			require.Equal(t, StatusFailed, got.Status, "read again after the write")
			_, err = b.svc.lock(ltx, "no-such-payment")
			require.ErrorIs(t, err, ErrPaymentNotFound)
			return nil
		}))
	})
}

func TestGroupLanesPerDatabase(t *testing.T) {
	t.Parallel()
	require.Equal(t, 1, groupLanes(0, store.SQLite), "SQLite has one writer")
	require.Equal(t, 2, groupLanes(0, store.Postgres))
	require.Equal(t, 0, groupLanes(-1, store.Postgres), "-1: each notification in its own transaction")
	require.Equal(t, 2, groupLanes(2, store.SQLite))
}
