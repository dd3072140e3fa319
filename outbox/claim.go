package outbox

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"b24pay/store"
)

// claimTimeout bounds a claim that runs on after its caller's context ended.
const claimTimeout = 30 * time.Second

// claim takes the next size due messages from the lanes up to lane (interactive first) and, when the
// first one's topic has a batch handler, more due messages of the same topic and portal.
//
// Each claim is one UPDATE … RETURNING, atomic on its own, run to its end even when ctx is
// cancelled meanwhile: a statement cut off by cancellation can commit on the server while the
// client loses the answer, leaving a row "running" that nobody runs until its lease expires. If
// ctx ended during the claim, the rows are handed back at once instead of being delivered.
func (w *Worker) claim(ctx context.Context, lane Lane, size int) ([]Row, error) {
	topics := w.topics()
	if len(topics) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	now := w.clock.Now()
	if err := w.reap(cctx, now); err != nil {
		return nil, err
	}
	token := w.name + ":" + randomToken()
	rows, err := w.claimRows(cctx, token, now, max(1, size), topics, "", lane)
	if err == nil && len(rows) > 0 {
		if b, ok := w.batches[rows[0].Topic]; ok && b.max > 1 {
			var more []Row
			more, err = w.claimRows(cctx, token, now, b.max-1, []string{rows[0].Topic}, rows[0].MemberID, lane)
			rows = append(rows, more...)
		}
	}
	if ctx.Err() != nil || (err != nil && len(rows) > 0) {
		return nil, errors.Join(err, w.release(cctx, token))
	}
	return rows, err
}

// claimRows leases up to n due pending rows of topics (and of member's portal, unless empty) in
// the lanes up to lane. The subquery reads the partial index outbox_pending (lane, run_at, id)
// WHERE status = 'pending'; the status literal must stay a literal for SQLite to match that index.
// On PostgreSQL the claim is the function outbox_claim (migration 00023), planned so that it can
// take no other path whatever the table's statistics say, and rows other workers are claiming
// are skipped.
func (w *Worker) claimRows(ctx context.Context, token string, now time.Time, n int, topics []string, member string, lane Lane) ([]Row, error) {
	var rows []Row
	db := w.db.WithContext(ctx)
	if w.db.Dialect == store.Postgres {
		var memberArg any
		if member != "" {
			memberArg = member
		}
		err := db.Raw(`SELECT * FROM outbox_claim(?, ?, ?, CAST(? AS text[]), CAST(? AS text), CAST(? AS smallint), ?)`,
			now.Add(w.cfg.Lease), token, now, textArray(topics), memberArg, lane, n).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
	} else {
		filter, args := "topic IN ? AND lane <= ?", []any{topics, lane}
		if member != "" {
			filter, args = "topic IN ? AND member_id = ? AND lane <= ?", []any{topics, member, lane}
		}
		q := `UPDATE outbox SET status = 'running', attempts = attempts + 1, lease_until = ?, leased_by = ?, updated_at = ?
		      WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND run_at <= ? AND ` + filter + `
		                   ORDER BY lane, run_at, id LIMIT ?)
		      RETURNING *`
		params := append([]any{now.Add(w.cfg.Lease), token, now, now}, args...)
		if err := db.Raw(q, append(params, n)...).Scan(&rows).Error; err != nil {
			return nil, err
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	return rows, nil
}

// arrayQuote escapes an element of a PostgreSQL array literal.
var arrayQuote = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// textArray is a PostgreSQL array literal of ss (each element quoted).
func textArray(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = `"` + arrayQuote.Replace(s) + `"`
	}
	return "{" + strings.Join(quoted, ",") + "}"
}

// reap puts rows whose lease expired back to pending (their attempt stays counted), at most once per
// poll interval; it reads the partial index outbox_running (lease_until) WHERE status = 'running'.
func (w *Worker) reap(ctx context.Context, now time.Time) error {
	w.mu.Lock()
	due := w.reapedAt.IsZero() || now.Sub(w.reapedAt) >= w.cfg.Poll || now.Before(w.reapedAt)
	if due {
		w.reapedAt = now
	}
	w.mu.Unlock()
	if !due {
		return nil
	}
	return w.db.WithContext(ctx).Exec(`UPDATE outbox SET status = 'pending', lease_until = NULL, leased_by = '', updated_at = ?
		WHERE status = 'running' AND lease_until < ?`, now, now).Error
}

// release hands back the rows a claim holds, undelivered: pending again, the attempt not counted.
func (w *Worker) release(ctx context.Context, token string) error {
	return w.releaseWhere(ctx, "leased_by = ?", token)
}

// releaseRows hands back claimed rows that were not delivered.
func (w *Worker) releaseRows(ctx context.Context, rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	ids := idsOf(rows)
	return w.releaseWhere(ctx, "leased_by = ? AND id IN ?", rows[0].LeasedBy, ids)
}

// releaseHeld hands back whatever this worker still holds when Run stops.
func (w *Worker) releaseHeld() {
	ctx, cancel := context.WithTimeout(context.Background(), claimTimeout)
	defer cancel()
	if err := w.releaseWhere(ctx, "leased_by LIKE ?", w.name+":%"); err != nil {
		w.log.Error("outbox: could not release claims at shutdown; they wait for their lease", "err", err)
	}
}

func (w *Worker) releaseWhere(ctx context.Context, filter string, args ...any) error {
	return w.db.WithContext(ctx).Exec(`UPDATE outbox SET status = 'pending', attempts = attempts - 1, lease_until = NULL,
		leased_by = '', updated_at = ? WHERE status = 'running' AND `+filter, append([]any{w.clock.Now()}, args...)...).Error
}
