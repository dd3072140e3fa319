package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"b24pay/clock"
	"b24pay/store"
)

// Job is a claimed message handed to a handler.
type Job struct {
	ID       int64
	Topic    string
	MemberID string
	Payload  []byte
	Attempt  int // 1 on the first delivery
}

// Decode unmarshals the payload into v.
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return Permanent(fmt.Errorf("outbox: decode %s payload: %w", j.Topic, err))
	}
	return nil
}

// Handler performs one side effect. It must be idempotent: a message can be delivered again
// after a crash between the effect and the bookkeeping.
type Handler func(ctx context.Context, job Job) error

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks an error that retrying cannot fix; the message goes straight to dead.
func Permanent(err error) error { return permanentError{err: err} }

// Config tunes a worker.
type Config struct {
	Lease   time.Duration // how long a claim holds before another worker may take the row (default 2 min)
	Poll    time.Duration // pause when nothing is due (default 1 s)
	Backoff Backoff       // default DefaultBackoff
}

// Worker claims due messages and runs their handlers.
type Worker struct {
	db       *store.DB
	clock    clock.Clock
	log      *slog.Logger
	cfg      Config
	name     string
	handlers map[string]Handler
	metrics  *Metrics
}

// NewWorker builds a worker; register handlers with Handle before Run.
func NewWorker(db *store.DB, clk clock.Clock, log *slog.Logger, cfg Config, metrics *Metrics) *Worker {
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Backoff.Base <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	return &Worker{db: db, clock: clk, log: log, cfg: cfg, name: randomToken(), handlers: map[string]Handler{}, metrics: metrics}
}

// Handle registers the handler of a topic. Only topics with a handler are claimed.
func (w *Worker) Handle(topic string, h Handler) { w.handlers[topic] = h }

// Run delivers messages until ctx is cancelled. The item in hand when ctx ends is finished first.
func (w *Worker) Run(ctx context.Context) {
	for ctx.Err() == nil {
		did, err := w.RunOnce(ctx)
		if err != nil {
			w.log.Error("outbox: claim failed", "err", err)
		}
		if did && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(w.cfg.Poll):
		}
	}
}

// Drain delivers due messages until none is left and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		did, err := w.RunOnce(ctx)
		if err != nil || !did {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// RunOnce claims and delivers at most one due message; it reports whether there was one.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	row, err := w.claim(ctx)
	if err != nil || row == nil {
		return false, err
	}
	if row.Attempts > row.MaxAttempts {
		return true, w.settle(ctx, row, Permanent(errors.New("lease expired during the last allowed attempt")))
	}
	// The item is finished even if ctx is cancelled meanwhile (shutdown), bounded by the lease.
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.Lease)
	defer cancel()
	herr := w.deliver(runCtx, row)
	return true, w.settle(runCtx, row, herr)
}

func (w *Worker) deliver(ctx context.Context, row *Row) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: handler panicked: %v", p)
		}
	}()
	job := Job{ID: row.ID, Topic: row.Topic, MemberID: row.MemberID, Payload: []byte(row.Payload), Attempt: row.Attempts}
	return w.handlers[row.Topic](ctx, job)
}

func (w *Worker) topics() []string {
	t := make([]string, 0, len(w.handlers))
	for k := range w.handlers {
		t = append(t, k)
	}
	sort.Strings(t)
	return t
}

func (w *Worker) claim(ctx context.Context) (*Row, error) {
	topics := w.topics()
	if len(topics) == 0 {
		return nil, nil
	}
	now := w.clock.Now()
	lock := ""
	if w.db.Dialect == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE outbox SET status = 'running', attempts = attempts + 1, lease_until = ?, leased_by = ?, updated_at = ?
	      WHERE id = (SELECT id FROM outbox WHERE topic IN ? AND
	                  ((status = 'pending' AND run_at <= ?) OR (status = 'running' AND lease_until < ?))
	                  ORDER BY run_at, id LIMIT 1` + lock + `)
	      RETURNING *`
	var rows []Row
	token := w.name + ":" + randomToken()
	err := w.db.WithContext(ctx).Raw(q, now.Add(w.cfg.Lease), token, now, topics, now, now).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

func (w *Worker) settle(ctx context.Context, row *Row, herr error) error {
	now := w.clock.Now()
	updates := map[string]any{"lease_until": nil, "updated_at": now}
	var perm permanentError
	switch {
	case herr == nil:
		updates["status"], updates["done_at"], updates["last_error"] = StatusDone, now, ""
	case errors.As(herr, &perm) || row.Attempts >= row.MaxAttempts:
		updates["status"], updates["last_error"] = StatusDead, truncate(herr.Error())
	default:
		updates["status"], updates["last_error"] = StatusPending, truncate(herr.Error())
		updates["run_at"] = now.Add(w.cfg.Backoff.Delay(row.Attempts))
	}
	res := w.db.WithContext(ctx).Model(&Row{}).
		Where("id = ? AND leased_by = ? AND status = ?", row.ID, row.LeasedBy, StatusRunning).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("outbox: settle %d: %w", row.ID, res.Error)
	}
	status := updates["status"].(string)
	w.metrics.observe(row.Topic, status)
	log := w.log.With("outbox_id", row.ID, "topic", row.Topic, "attempt", row.Attempts)
	switch {
	case res.RowsAffected == 0:
		log.Warn("outbox: lease lost before the result was recorded; another worker owns the message")
	case status == StatusDead:
		log.Error("outbox: message is dead", "err", herr)
	case herr != nil:
		log.Warn("outbox: delivery failed, will retry", "err", herr, "run_at", updates["run_at"])
	}
	return nil
}

func truncate(s string) string {
	const limit = 2000
	if len(s) > limit {
		return s[:limit]
	}
	return s
}

func randomToken() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
