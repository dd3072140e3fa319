package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/store"
	"b24pay/store/storetest"
)

// enqueueBulk stores n due bulk messages of topic with one statement (payloads "1" … "n").
func (b *testBundle) enqueueBulk(t testing.TB, topic, memberID string, n int) {
	t.Helper()
	now := b.clock.Now()
	require.NoError(t, b.db.Exec(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
		INSERT INTO outbox (member_id, topic, payload, status, lane, max_attempts, run_at, created_at, updated_at)
		SELECT ?, ?, CAST(i AS TEXT), 'pending', ?, ?, ?, ?, ? FROM s`,
		n, memberID, topic, LaneBulk, DefaultMaxAttempts, now, now, now).Error)
}

func (b *testBundle) count(t *testing.T, status string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, b.db.Model(&Row{}).Where("status = ?", status).Count(&n).Error)
	return n
}

func TestPushFromTheTabGoesBefore10000ResyncMessages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueueBulk(t, "b24.schedule.sync", "m1", 10000)
		b.clock.Advance(time.Second)
		b.enqueue(t, Message{Topic: "b24.schedule.sync", MemberID: "m1", Payload: "push"})
		w := b.worker(time.Minute)
		var first string
		w.Handle("b24.schedule.sync", func(_ context.Context, j Job) error {
			if first == "" {
				first = string(j.Payload)
			}
			return nil
		})
		did, err := w.RunOnce(context.Background())
		require.NoError(t, err)
		require.True(t, did)
		require.Equal(t, `"push"`, first, "the interactive message is claimed before older bulk ones")
	})
}

func TestPushIsDeliveredWhileEveryBulkWorkerIsBusy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueueBulk(t, "resync", "m1", 10000)
		b.enqueue(t, Message{Topic: "push", MemberID: "m1"})
		w := NewWorker(db, b.clock, b.worker(time.Minute).log, Config{Workers: 3, Interactive: 1}, b.m)
		gate, pushed := make(chan struct{}), make(chan struct{})
		var bulkStarted atomic.Int32
		w.Handle("resync", func(context.Context, Job) error {
			bulkStarted.Add(1)
			<-gate // a slow Bitrix24 call
			return nil
		})
		w.Handle("push", func(context.Context, Job) error { close(pushed); return nil })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		<-pushed // with one worker for everything this would wait behind 10 000 slow messages
		cancel()
		close(gate)
		<-done
		require.Zero(t, b.count(t, StatusRunning), "shutdown hands back what the worker held")
		require.Equal(t, int64(10000)-int64(bulkStarted.Load()), b.count(t, StatusPending))
		require.EqualValues(t, 1+bulkStarted.Load(), b.count(t, StatusDone))
	})
}

func TestClaimInterruptedByShutdownIsHandedBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueue(t, Message{Topic: "t"})
		w := b.worker(time.Minute)
		var delivered []int
		w.Handle("t", func(_ context.Context, j Job) error { delivered = append(delivered, j.Attempt); return nil })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// SIGTERM arrives right after the claim's UPDATE ran, before its answer is read.
		require.NoError(t, db.Callback().Row().After("gorm:row").Register("test:sigterm", func(*gorm.DB) { cancel() }))
		did, err := w.RunOnce(ctx)
		require.NoError(t, db.Callback().Row().Remove("test:sigterm"))
		require.False(t, did)
		if err != nil {
			require.ErrorIs(t, err, context.Canceled)
		}
		r := b.row(t, 1)
		require.Equal(t, StatusPending, r.Status, "not left running until the lease expires")
		require.Zero(t, r.Attempts)
		require.Nil(t, r.LeaseUntil)
		require.Empty(t, delivered)

		n, err := w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n, "delivered at once, without waiting for a lease")
		require.Equal(t, []int{1}, delivered)
	})
}

func TestBatchHandlerGetsOnePortalsMessagesTogether(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		for i := range 5 {
			b.enqueue(t, Message{Topic: "ev", MemberID: "m1", Payload: i, Lane: LaneBulk})
		}
		b.enqueue(t, Message{Topic: "ev", MemberID: "m2", Payload: 9, Lane: LaneBulk})
		w := b.worker(time.Minute)
		var sizes []string
		w.HandleBatch("ev", 3, func(_ context.Context, jobs []Job) []error {
			errs := make([]error, len(jobs))
			ids := ""
			for i, j := range jobs {
				ids += fmt.Sprintf("%s:%s ", j.MemberID, j.Payload)
				if string(j.Payload) == "4" && j.Attempt == 1 {
					errs[i] = errors.New("portal answered 500")
				}
			}
			sizes = append(sizes, ids)
			return errs
		})
		n, err := w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, 6, n)
		require.Equal(t, []string{"m1:0 m1:1 m1:2 ", "m1:3 m1:4 ", "m2:9 "}, sizes, "at most 3, one portal per batch")
		require.Equal(t, StatusPending, b.row(t, 5).Status, "a failed job of a batch retries alone")
		require.Equal(t, int64(5), b.count(t, StatusDone))
	})
}

func TestFastMessagesAreClaimedManyAtATimeAndEachRecorded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		const n = 500
		b.enqueueBulk(t, "t", "m1", n)
		w := NewWorker(db, b.clock, b.worker(time.Minute).log, Config{Workers: 3, Backoff: Backoff{Base: time.Minute, Max: time.Hour}}, b.m)
		var mu sync.Mutex
		seen := map[string]int{}
		ctx, cancel := context.WithCancel(context.Background())
		w.Handle("t", func(_ context.Context, j Job) error {
			mu.Lock()
			defer mu.Unlock()
			seen[string(j.Payload)]++
			if len(seen) == n {
				cancel()
			}
			if i, _ := strconv.Atoi(string(j.Payload)); i%7 == 0 {
				return errors.New("portal answered 500")
			}
			return nil
		})
		w.Run(ctx)
		require.Len(t, seen, n)
		for p, c := range seen {
			require.Equal(t, 1, c, "message %s", p)
		}
		require.EqualValues(t, n/7, b.count(t, StatusPending), "each failure recorded on its own, with backoff")
		require.EqualValues(t, n-n/7, b.count(t, StatusDone), "the delivered ones recorded together")
		require.Zero(t, b.count(t, StatusRunning))
	})
}

func TestClaimedRowsNotStartedByHalfTheLeaseAreHandedBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		for i := range 5 {
			b.enqueue(t, Message{Topic: "t", Payload: i})
		}
		w := b.worker(time.Minute)
		var ran []string
		w.Handle("t", func(_ context.Context, j Job) error {
			ran = append(ran, string(j.Payload))
			b.clock.Advance(20 * time.Second) // a slow Bitrix24 push
			return nil
		})
		n, _, err := w.runOnce(context.Background(), LaneBulk, 5)
		require.NoError(t, err)
		require.Equal(t, 5, n)
		require.Equal(t, []string{"0", "1"}, ran, "the third would start 40 s into a 60 s lease, past its half")
		require.EqualValues(t, 2, b.count(t, StatusDone))
		for id := int64(3); id <= 5; id++ {
			r := b.row(t, id)
			require.Equal(t, StatusPending, r.Status)
			require.Zero(t, r.Attempts, "handed back undelivered")
		}
	})
}

func TestBatchesNeverExceedTheHandlersSize(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.enqueueBulk(t, "ev", "m1", 10)
		w := b.worker(time.Minute)
		var sizes []int
		w.HandleBatch("ev", 3, func(_ context.Context, jobs []Job) []error {
			sizes = append(sizes, len(jobs))
			return make([]error, len(jobs))
		})
		n, _, err := w.runOnce(context.Background(), LaneBulk, 5) // a prefetching worker
		require.NoError(t, err)
		require.Equal(t, 7, n, "five claimed, two more of the first one's portal")
		require.Equal(t, []int{3, 3, 1}, sizes)
		require.EqualValues(t, 7, b.count(t, StatusDone))
	})
}
