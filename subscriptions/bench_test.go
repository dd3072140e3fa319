package subscriptions

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

// instantGateway answers every payment at once, idempotently by key, in memory.
type instantGateway struct {
	mu   sync.Mutex
	keys map[string]PayResult
}

func (g *instantGateway) Pay(_ context.Context, key string, req PayRequest) (PayResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.keys[key]; ok {
		return r, nil
	}
	r := PayResult{Ref: "p-" + key, Status: ChargeSucceeded, MethodID: req.MethodID}
	g.keys[key] = r
	return r, nil
}

func (g *instantGateway) Get(_ context.Context, ref string) (PayResult, error) {
	return PayResult{Ref: ref, Status: ChargeSucceeded}, nil
}

// BenchmarkBillingRun bills B24PAY_BENCH_SUBSCRIPTIONS (default 100 000) due monthly
// subscriptions in one RunDue on PostgreSQL against an instant gateway, and reports the
// single-row insert rate of the same database as a baseline.
func BenchmarkBillingRun(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("B24PAY_BENCH_SUBSCRIPTIONS")); err == nil && v > 0 {
		n = v
	}
	db := storetest.New(b, store.Postgres)
	tps := insertTPS(b, db)
	now := time.Date(2027, 2, 15, 6, 0, 0, 0, time.UTC)
	seed(b, db, n, now)
	var perSecond, statements, transactions float64
	for b.Loop() {
		b.StopTimer()
		require.NoError(b, db.Exec(`DELETE FROM outbox`).Error)
		require.NoError(b, db.Exec(`DELETE FROM subscription_charges WHERE seq = 1`).Error)
		require.NoError(b, db.Exec(`UPDATE subscriptions SET seq = 1, next_charge_on = '2027-02-15', paid_count = 1,
			lease_until = NULL`).Error)
		gw := &instantGateway{keys: map[string]PayResult{}}
		cdb, pool := counted(db)
		svc, err := NewService(cdb, clock.NewFrozen(now), slog.New(slog.DiscardHandler),
			Config{Merchant: "M", PublicURL: "https://pay.example.ru", Workers: 8, Batch: 1000}, gw)
		require.NoError(b, err)
		b.StartTimer()
		start := time.Now()
		rep, err := svc.RunDue(context.Background(), now)
		elapsed := time.Since(start)
		require.NoError(b, err)
		require.EqualValues(b, n, rep.Claimed)
		require.Zero(b, rep.Errors)
		perSecond = float64(n) / elapsed.Seconds()
		statements = float64(pool.statements.Load()) / float64(n)
		transactions = float64(pool.transactions.Load()) / float64(n)
	}
	b.ReportMetric(perSecond, "subscriptions/s")
	b.ReportMetric(tps, "insert_tps")
	b.ReportMetric(statements, "statements/charge")
	b.ReportMetric(transactions, "transactions/charge")
}

// seed inserts n active monthly subscriptions due on 2027-02-15, each with a saved card and its
// paid first period, and gathers the planner's statistics as autovacuum would have long before.
func seed(b testing.TB, db *store.DB, n int, now time.Time) {
	b.Helper()
	require.NoError(b, db.Exec(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, status,
		installed_at, updated_at) VALUES ('p', 'x', 'x', 'x', 'installed', ?, ?)`, now, now).Error)
	require.NoError(b, db.Exec(`INSERT INTO clients (member_id, entity_type, b24_id, updated_at) VALUES ('p', 'contact', 1, ?)`, now).Error)
	require.NoError(b, db.Exec(`WITH RECURSIVE g (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)
		INSERT INTO subscriptions (member_id, client_id, title, email, amount_minor, currency,
		period_unit, period_every, anchor, end_kind, route, status, seq, next_charge_on, paid_count, paid_minor,
		payment_method_id, pay_token, consented_minor, created_at, updated_at)
		SELECT 'p', (SELECT id FROM clients LIMIT 1), 'S', 'c' || n || '@example.ru', 99000, 'RUB', 'month', 1,
		       '2027-01-15', 'open', 'card', 'active', 1, '2027-02-15', 1, 99000, 'pm-' || n, 'tok-' || n, 99000, ?, ?
		FROM g`, n, now, now).Error)
	require.NoError(b, db.Exec(`INSERT INTO subscription_charges (id, subscription_id, member_id, kind, seq, period_start,
		amount_minor, currency, status, customer_initiated, provider_ref, attempted_at, created_at, updated_at, settled_at)
		SELECT 'sc-' || id || '-0', id, member_id, 'first', 0, anchor, amount_minor, currency, 'succeeded', TRUE,
		       'p-first-' || id, ?, ?, ?, ? FROM subscriptions`, now, now, now, now).Error)
	require.NoError(b, db.Exec(`ANALYZE`).Error)
}

// insertTPS measures single-row autocommitted inserts per second on db (pgbench-style baseline).
func insertTPS(b *testing.B, db *store.DB) float64 {
	b.Helper()
	require.NoError(b, db.Exec(`CREATE TABLE bench_baseline (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)`).Error)
	const rows = 3000
	start := time.Now()
	for i := range rows {
		require.NoError(b, db.Exec(`INSERT INTO bench_baseline (v) VALUES (?)`, strconv.Itoa(i)).Error)
	}
	return rows / time.Since(start).Seconds()
}
