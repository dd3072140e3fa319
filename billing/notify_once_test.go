package billing

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// Issue 12: a paid notification of billing's own payment is stored, settled and recorded in one
// transaction of four statements (it was six statements, four commits).
func TestPaidNotificationIsOneTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		p := b.newPayment(t, 1)
		var n dbCounts
		b.svc.db = counted(db, &n)
		require.Equal(t, OutcomeOK, b.notify(p.ID, StatusSucceeded, "10000", "k1"))
		require.Zero(t, n.auto.Load(), "no statement outside the transaction")
		require.EqualValues(t, 1, n.begun.Load(), "one transaction")
		require.EqualValues(t, 1, n.committed.Load())
		require.EqualValues(t, 4, n.inTx.Load(), "lock the payment, move it, book it, store the notification with its result")

		require.Equal(t, StatusSucceeded, b.payment(t, p.ID).Status)
		require.EqualValues(t, 10_000_00, b.booked(t, 1))
		row := b.notice(t, "k1")
		require.Equal(t, NoticeProcessed, row.Status)
		require.Equal(t, string(OutcomeOK), row.Result)
		require.Equal(t, 1, row.Attempts)
		require.NotNil(t, row.ProcessedAt)
	})
}

// A processing failure rolls the settlement back but keeps the raw row, failed, with an outbox
// message that retries it; a redelivery meanwhile finishes it; either way the money is booked once.
func TestNotificationWhoseProcessingFailsIsKeptForRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		failures := &atomic.Int32{}
		b := setup(t, db, ledger{currency: "RUB", outstanding: 10_000_00, failures: failures})
		ctx := context.Background()
		w := outbox.NewWorker(db, b.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), outbox.Config{}, nil)
		b.svc.Register(w)

		// Retried by the outbox.
		p := b.newPayment(t, 1)
		failures.Store(1)
		require.Equal(t, OutcomeRetry, b.notify(p.ID, StatusSucceeded, "10000", "k1"))
		require.Equal(t, StatusPending, b.payment(t, p.ID).Status, "the settlement was rolled back")
		require.Zero(t, b.booked(t, 1))
		row := b.notice(t, "k1")
		require.Equal(t, NoticeFailed, row.Status)
		require.Contains(t, row.Body, p.ID, "the raw notification is kept")
		_, err := w.Drain(ctx)
		require.NoError(t, err)
		require.Equal(t, NoticeProcessed, b.notice(t, "k1").Status)
		require.Equal(t, StatusSucceeded, b.payment(t, p.ID).Status)
		require.EqualValues(t, 10_000_00, b.booked(t, 1))
		require.Equal(t, OutcomeOK, b.notify(p.ID, StatusSucceeded, "10000", "k1"), "a redelivery is answered as processed")
		require.EqualValues(t, 10_000_00, b.booked(t, 1))

		// Finished by the provider's redelivery before the outbox gets to it.
		q := b.newPayment(t, 2)
		failures.Store(1)
		require.Equal(t, OutcomeRetry, b.notify(q.ID, StatusSucceeded, "10000", "k2"))
		require.Equal(t, OutcomeOK, b.notify(q.ID, StatusSucceeded, "10000", "k2"))
		require.Equal(t, NoticeProcessed, b.notice(t, "k2").Status)
		_, err = w.Drain(ctx)
		require.NoError(t, err)
		require.EqualValues(t, 10_000_00, b.booked(t, 2))
		var rows int64
		require.NoError(t, db.Model(&Notification{}).Count(&rows).Error)
		require.EqualValues(t, 2, rows)
	})
}

// Issue 12: the same notification delivered many times at once settles once, every delivery is
// answered as the stored one, and one raw row is kept.
func TestConcurrentDuplicateNotificationsSettleOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		for i := range 5 {
			id := int64(300 + i)
			p := b.newPayment(t, id)
			key := "dup-" + p.ID
			outcomes := make([]Outcome, 8)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range outcomes {
				wg.Go(func() {
					<-start
					outcomes[g] = b.notify(p.ID, StatusSucceeded, "10000", key)
				})
			}
			close(start)
			wg.Wait()
			for g, o := range outcomes {
				require.Equal(t, OutcomeOK, o, "delivery %d, iteration %d", g, i)
			}
			require.EqualValues(t, 10_000_00, b.booked(t, id), "booked once, iteration %d", i)
			require.Equal(t, NoticeProcessed, b.notice(t, key).Status)
		}
	})
}

// notice is the stored notification with a provider key.
func (b *testBundle) notice(t *testing.T, key string) Notification {
	t.Helper()
	var rows []Notification
	require.NoError(t, b.db.Where("dedup_key = ?", key).Find(&rows).Error)
	require.Len(t, rows, 1)
	return rows[0]
}

// dbCounts is what reached the database: statements outside a transaction, transactions begun and
// committed, statements inside them.
// failCommit, when set, runs before each commit; an error rolls the transaction back instead.
type dbCounts struct {
	auto, begun, committed, inTx atomic.Int64
	failCommit                   func() error
}

// counted is db with every statement and transaction counted in n.
func counted(db *store.DB, n *dbCounts) *store.DB {
	sqlDB, err := db.DB.DB()
	if err != nil {
		panic(err)
	}
	g := db.Session(&gorm.Session{NewDB: true})
	g.Statement.ConnPool = countingPool{sqlDB, n}
	return &store.DB{DB: g, Dialect: db.Dialect}
}

type countingPool struct {
	*sql.DB
	n *dbCounts
}

func (p countingPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	p.n.auto.Add(1)
	return p.DB.ExecContext(ctx, q, args...)
}

func (p countingPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	p.n.auto.Add(1)
	return p.DB.QueryContext(ctx, q, args...)
}

func (p countingPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	p.n.auto.Add(1)
	return p.DB.QueryRowContext(ctx, q, args...)
}

func (p countingPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	p.n.begun.Add(1)
	return &countingTx{tx, p.n}, nil
}

type countingTx struct {
	*sql.Tx
	n *dbCounts
}

func (t *countingTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.n.inTx.Add(1)
	return t.Tx.ExecContext(ctx, q, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.n.inTx.Add(1)
	return t.Tx.QueryContext(ctx, q, args...)
}

func (t *countingTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	t.n.inTx.Add(1)
	return t.Tx.QueryRowContext(ctx, q, args...)
}

func (t *countingTx) Commit() error {
	if t.n.failCommit != nil {
		if err := t.n.failCommit(); err != nil {
			_ = t.Tx.Rollback()
			return err
		}
	}
	err := t.Tx.Commit()
	if err == nil {
		t.n.committed.Add(1)
	}
	return err
}
