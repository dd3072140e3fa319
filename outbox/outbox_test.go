package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
	"gorm.io/gorm"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type testBundle struct {
	db    *store.DB
	clock *clock.Frozen
	reg   *prometheus.Registry
	m     *Metrics
}

func setup(t *testing.T, db *store.DB) *testBundle {
	reg := prometheus.NewRegistry()
	return &testBundle{db: db, clock: clock.NewFrozen(t0), reg: reg, m: NewMetrics(reg, db)}
}

func (b *testBundle) worker(lease time.Duration) *Worker {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return NewWorker(b.db, b.clock, log, Config{Lease: lease, Backoff: Backoff{Base: time.Minute, Max: time.Hour}}, b.m)
}

func (b *testBundle) enqueue(t *testing.T, msg Message) {
	t.Helper()
	require.NoError(t, Enqueue(b.db.DB, b.clock.Now(), msg))
}

func (b *testBundle) row(t *testing.T, id int64) Row {
	t.Helper()
	var r Row
	require.NoError(t, b.db.First(&r, id).Error)
	return r
}

func TestEnqueueFollowsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		boom := errors.New("business change failed")
		err := db.Transaction(func(tx *gorm.DB) error {
			require.NoError(t, Enqueue(tx, t0, Message{Topic: "b24.item.add", Payload: map[string]int{"n": 1}}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		rows, err := List(context.Background(), db, "", 0)
		require.NoError(t, err)
		require.Empty(t, rows, "a rolled back transaction must not leave its message")

		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			return Enqueue(tx, t0, Message{Topic: "b24.item.add", Key: "schedule-1/item-1", Payload: 1})
		}))
		b.enqueue(t, Message{Topic: "b24.item.add", Key: "schedule-1/item-1", Payload: 2})
		rows, err = List(context.Background(), db, StatusPending, 0)
		require.NoError(t, err)
		require.Len(t, rows, 1, "the second message with the same key is ignored")
		require.Equal(t, "1", rows[0].Payload)
	})
}

func TestDeliveredMessageIsDone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueue(t, Message{Topic: "mail", MemberID: "m1", Payload: map[string]string{"to": "a@b.ru"}})
		w := b.worker(time.Minute)
		var got struct{ To string }
		w.Handle("mail", func(_ context.Context, j Job) error {
			require.Equal(t, "m1", j.MemberID)
			require.Equal(t, 1, j.Attempt)
			return j.Decode(&got)
		})
		n, err := w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, "a@b.ru", got.To)
		r := b.row(t, 1)
		require.Equal(t, StatusDone, r.Status)
		require.NotNil(t, r.DoneAt)
		require.Contains(t, gather(t, b.reg), `b24pay_outbox_deliveries_total{result="done",topic="mail"} 1`)
	})
}

func TestFailuresBackOffThenDieAndRetryPutsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		ctx := context.Background()
		b.enqueue(t, Message{Topic: "b24", MaxAttempts: 3, Payload: nil})
		w := b.worker(time.Minute)
		fail := true
		calls := 0
		w.Handle("b24", func(context.Context, Job) error {
			calls++
			if fail {
				return errors.New("portal answered 500")
			}
			return nil
		})
		for attempt := 1; attempt <= 3; attempt++ {
			did, err := w.RunOnce(ctx)
			require.NoError(t, err)
			require.True(t, did, "attempt %d", attempt)
			r := b.row(t, 1)
			require.Equal(t, attempt, r.Attempts)
			require.Equal(t, "portal answered 500", r.LastError)
			if attempt < 3 {
				require.Equal(t, StatusPending, r.Status)
				wait := r.RunAt.Sub(b.clock.Now())
				base := time.Minute << (attempt - 1)
				require.GreaterOrEqual(t, wait, base/2, "backoff grows exponentially, jittered")
				require.LessOrEqual(t, wait, base)
				did, err = w.RunOnce(ctx)
				require.NoError(t, err)
				require.False(t, did, "not due before its backoff")
				b.clock.Set(r.RunAt)
			}
		}
		require.Equal(t, StatusDead, b.row(t, 1).Status)
		did, err := w.RunOnce(ctx)
		require.NoError(t, err)
		require.False(t, did, "dead messages are not delivered")
		dead, err := List(ctx, db, StatusDead, 0)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		require.Contains(t, gather(t, b.reg), `b24pay_outbox_messages{status="dead"} 1`)

		require.ErrorIs(t, Retry(ctx, db, 99, b.clock.Now()), ErrNotFound)
		require.NoError(t, Retry(ctx, db, 1, b.clock.Now()))
		require.ErrorIs(t, Retry(ctx, db, 1, b.clock.Now()), ErrNotRetryable)
		fail = false
		n, err := w.Drain(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		r := b.row(t, 1)
		require.Equal(t, StatusDone, r.Status)
		require.Equal(t, 1, r.Attempts, "retry gives a fresh budget")
		require.Equal(t, 4, calls)
	})
}

func TestPermanentErrorAndPanicAndBadPayload(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueue(t, Message{Topic: "perm"})
		b.enqueue(t, Message{Topic: "panic"})
		b.enqueue(t, Message{Topic: "decode", Payload: "not an object"})
		w := b.worker(time.Minute)
		w.Handle("perm", func(context.Context, Job) error { return Permanent(errors.New("deal deleted")) })
		w.Handle("panic", func(context.Context, Job) error { panic("nil map") })
		w.Handle("decode", func(_ context.Context, j Job) error {
			var v struct{ N int }
			return j.Decode(&v)
		})
		_, err := w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, StatusDead, b.row(t, 1).Status)
		require.Equal(t, StatusPending, b.row(t, 2).Status, "a panic is an ordinary, retryable failure")
		require.Contains(t, b.row(t, 2).LastError, "panicked")
		require.Equal(t, StatusDead, b.row(t, 3).Status)
	})
}

func TestUnhandledTopicsStayQueued(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueue(t, Message{Topic: "from.newer.version"})
		w := b.worker(time.Minute)
		w.Handle("other", func(context.Context, Job) error { return nil })
		did, err := w.RunOnce(context.Background())
		require.NoError(t, err)
		require.False(t, did)
		require.Equal(t, StatusPending, b.row(t, 1).Status)
	})
}

func TestTwoWorkersNeverRunTheSameRowWhileItsLeaseHolds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		const n = 40
		for i := 0; i < n; i++ {
			b.enqueue(t, Message{Topic: "t", Payload: i})
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		running := map[int64]bool{}
		handler := func(_ context.Context, j Job) error {
			mu.Lock()
			require.False(t, running[j.ID], "row %d run by two workers at once", j.ID)
			running[j.ID] = true
			seen[j.ID]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running[j.ID] = false
			mu.Unlock()
			return nil
		}
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			w := b.worker(time.Hour)
			w.Handle("t", handler)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.Drain(context.Background())
				require.NoError(t, err)
			}()
		}
		wg.Wait()
		require.Len(t, seen, n)
		for id, c := range seen {
			require.Equal(t, 1, c, "row %d", id)
		}
	})
}

func TestClaimedRowIsInvisibleToOtherWorkersUntilLeaseExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		ctx := context.Background()
		b.enqueue(t, Message{Topic: "t"})
		crashed := b.worker(time.Minute)
		crashed.Handle("t", func(context.Context, Job) error { return nil })
		// The first worker claims the row and dies before finishing it.
		rows, err := crashed.claim(ctx, LaneBulk, 1)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		row := &rows[0]

		other := b.worker(time.Minute)
		var runs int
		other.Handle("t", func(_ context.Context, j Job) error {
			runs++
			require.Equal(t, 2, j.Attempt, "the crashed claim counts as an attempt")
			return nil
		})
		b.clock.Advance(59 * time.Second)
		did, err := other.RunOnce(ctx)
		require.NoError(t, err)
		require.False(t, did, "lease still holds")

		b.clock.Advance(2 * time.Second)
		did, err = other.RunOnce(ctx)
		require.NoError(t, err)
		require.True(t, did)
		require.Equal(t, 1, runs)
		require.Equal(t, StatusDone, b.row(t, row.ID).Status)

		// The crashed worker coming back cannot overwrite the new owner's result.
		require.NoError(t, crashed.settle(ctx, row, errors.New("late failure")))
		require.Equal(t, StatusDone, b.row(t, row.ID).Status)
	})
}

func TestPurgeDoneKeepsRecentAndUndelivered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		ctx := context.Background()
		b.enqueue(t, Message{Topic: "t"})
		b.enqueue(t, Message{Topic: "t"})
		b.enqueue(t, Message{Topic: "never"})
		w := b.worker(time.Minute)
		w.Handle("t", func(context.Context, Job) error { return nil })
		did, err := w.RunOnce(ctx)
		require.NoError(t, err)
		require.True(t, did)
		b.clock.Advance(48 * time.Hour)
		did, err = w.RunOnce(ctx)
		require.NoError(t, err)
		require.True(t, did)
		n, err := PurgeDone(ctx, db, b.clock.Now().Add(-24*time.Hour))
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		rows, err := List(ctx, db, "", 0)
		require.NoError(t, err)
		require.Len(t, rows, 2)
	})
}
