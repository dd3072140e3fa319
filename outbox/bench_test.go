package outbox

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"b24pay/bench"
	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

// BenchmarkOutboxDrain runs the production worker pool (Run, default number of workers) over n due
// messages against an instant handler and reports the time per message and the process's peak RSS.
// SQLite always; PostgreSQL too when B24PAY_TEST_POSTGRES_URL is set. The time per message should
// not grow with n: run n=1000 and n=100000 (bench/run.sh does) to see it.
func BenchmarkOutboxDrain(b *testing.B) {
	dialects := []string{store.SQLite}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, n := range []int{1000, 2500, 20000, 100000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for _, dialect := range dialects {
				b.Run(dialect, func(b *testing.B) { benchDrain(b, storetest.New(b, dialect), n) })
			}
		})
	}
}

func benchDrain(b *testing.B, db *store.DB, n int) {
	bundle := &testBundle{db: db, clock: clock.NewFrozen(t0)}
	var handled atomic.Int64
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		bundle.enqueueBulk(b, "t", "m1", n)
		handled.Store(0)
		ctx, cancel := context.WithCancel(context.Background())
		w := NewWorker(db, bundle.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, nil)
		w.Handle("t", func(context.Context, Job) error {
			if handled.Add(1) == int64(n) {
				cancel()
			}
			return nil
		})
		b.StartTimer()
		start := time.Now()
		w.Run(ctx)
		elapsed += time.Since(start)
		cancel()
	}
	msgs := float64(n * b.N)
	b.ReportMetric(float64(elapsed.Nanoseconds())/msgs, "ns/msg")
	b.ReportMetric(msgs/elapsed.Seconds(), "msg/s")
	b.ReportMetric(bench.PeakRSSMB(), "peak-rss-MB")
}

// BenchmarkOutboxClaim times one claim with 10 000 due rows (and 10 000 done ones) and logs the
// query plan of the claim (run with -v to see it).
func BenchmarkOutboxClaim(b *testing.B) {
	dialects := []string{store.SQLite}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, dialect := range dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.New(b, dialect)
			bundle := &testBundle{db: db, clock: clock.NewFrozen(t0)}
			bundle.enqueueBulk(b, "t", "m1", 20000)
			if err := db.Exec("UPDATE outbox SET status = 'done' WHERE id % 2 = 0").Error; err != nil {
				b.Fatal(err)
			}
			_ = db.Exec("ANALYZE").Error
			w := NewWorker(db, bundle.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, nil)
			w.Handle("t", func(context.Context, Job) error { return nil })
			b.Log(claimPlan(b, db))
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				token := randomToken()
				rows, err := w.claimRows(ctx, token, t0, 1, []string{"t"}, "", LaneBulk)
				if err != nil || len(rows) != 1 {
					b.Fatal(err, len(rows))
				}
				b.StopTimer()
				if err := w.release(ctx, token); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
