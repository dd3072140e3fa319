package outbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

// claimPlan is the plan of the claim's row choice: on PostgreSQL the subquery of outbox_claim,
// executed under the settings the function carries (read from pg_proc, so a change of the
// function's settings shows here); on SQLite the inline claim's subquery.
func claimPlan(t testing.TB, db *store.DB) string {
	t.Helper()
	q := `SELECT id FROM outbox WHERE status = 'pending' AND run_at <= ? AND topic IN ? AND lane <= ? ORDER BY lane, run_at, id LIMIT 32`
	var sb strings.Builder
	err := db.Transaction(func(tx *gorm.DB) error {
		explain := "EXPLAIN QUERY PLAN "
		if db.Dialect == store.Postgres {
			explain, q = "EXPLAIN (ANALYZE, COSTS OFF) ", q+" FOR UPDATE SKIP LOCKED"
			var settings []string
			if err := tx.Raw(`SELECT unnest(proconfig) FROM pg_proc WHERE proname = 'outbox_claim'`).Scan(&settings).Error; err != nil {
				return err
			}
			require.NotEmpty(t, settings, "outbox_claim carries its planner settings")
			for _, s := range settings {
				name, value, _ := strings.Cut(s, "=")
				if err := tx.Exec("SELECT set_config(?, ?, true)", name, value).Error; err != nil {
					return err
				}
			}
		}
		rows, err := tx.Raw(explain+q, t0, []string{"t"}, LaneBulk).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			fmt.Fprintln(&sb, vals[len(vals)-1])
		}
		return rows.Err()
	})
	require.NoError(t, err)
	return "claim plan:\n" + sb.String()
}

// Issue 12: a burst of pending rows the statistics do not know of yet (no ANALYZE since they were
// enqueued) is claimed through the ordered scan of outbox_pending that stops at the claim's size,
// never by reading and sorting every pending row (which PostgreSQL's free choice did: 180 ms per
// claim with 100 000 pending, a drain quadratic in the backlog).
func TestClaimKeepsToTheIndexWithoutStatistics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bundle := &testBundle{db: db, clock: clock.NewFrozen(t0)}
		bundle.enqueueBulk(t, "t", "m1", 20000)
		plan := claimPlan(t, db)
		require.Contains(t, plan, "outbox_pending", plan)
		for _, other := range []string{"Bitmap", "Sort", "Seq Scan", "TEMP B-TREE", "SCAN outbox"} {
			require.NotContains(t, plan, other, plan)
		}
	})
}

// Topics reach the claim whatever their spelling (PostgreSQL receives them as an array literal),
// and a batch claim of one portal takes only that portal's rows.
func TestClaimTakesTopicsWhateverTheirSpelling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		topics := []string{`plain`, `with,comma`, `with "quotes"`, `back\slash`, `{braces}`, `NULL`}
		for _, topic := range topics {
			b.enqueue(t, Message{Topic: topic, MemberID: "m1", Payload: 1})
		}
		b.enqueue(t, Message{Topic: "unhandled", MemberID: "m1", Payload: 1})
		w := b.worker(time.Minute)
		var got []string
		for _, topic := range topics {
			w.Handle(topic, func(context.Context, Job) error { got = append(got, topic); return nil })
		}
		n, err := w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, len(topics), n)
		require.ElementsMatch(t, topics, got)
		require.EqualValues(t, 1, b.count(t, StatusPending), "the unhandled topic stays queued")

		b.enqueue(t, Message{Topic: "events", MemberID: "m1", Payload: 1})
		b.enqueue(t, Message{Topic: "events", MemberID: "m2", Payload: 2})
		b.enqueue(t, Message{Topic: "events", MemberID: "m1", Payload: 3})
		var batches [][]string
		w.HandleBatch("events", 10, func(_ context.Context, jobs []Job) []error {
			var members []string
			for _, j := range jobs {
				members = append(members, j.MemberID)
			}
			batches = append(batches, members)
			return make([]error, len(jobs))
		})
		n, err = w.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, 3, n)
		require.Equal(t, [][]string{{"m1", "m1"}, {"m2"}}, batches)
	})
}
