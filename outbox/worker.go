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
	"sync"
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

// BatchHandler performs the side effects of several messages of one topic and portal at once (for
// example one batched read for many events). It returns one error per job, in order; nil is done.
type BatchHandler func(ctx context.Context, jobs []Job) []error

// Config tunes a worker.
type Config struct {
	Lease       time.Duration // how long a claim holds before another worker may take the row (default 2 min)
	Poll        time.Duration // pause when nothing is due, and between sweeps of expired leases (default 1 s)
	Backoff     Backoff       // default DefaultBackoff
	Workers     int           // goroutines Run starts (default: half the database pool, at least 2)
	Interactive int           // of those, how many take only interactive messages (default 1, always fewer than Workers)
}

// Worker claims due messages and runs their handlers.
type Worker struct {
	db       *store.DB
	clock    clock.Clock
	log      *slog.Logger
	cfg      Config
	name     string
	handlers map[string]Handler
	batches  map[string]batch
	metrics  *Metrics

	mu       sync.Mutex
	reapedAt time.Time // last sweep of expired leases
}

type batch struct {
	handle BatchHandler
	max    int
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
	if cfg.Workers <= 0 {
		cfg.Workers = max(2, db.MaxOpenConns()/2)
	}
	if cfg.Interactive <= 0 {
		cfg.Interactive = 1
	}
	cfg.Interactive = min(cfg.Interactive, cfg.Workers-1)
	return &Worker{db: db, clock: clk, log: log, cfg: cfg, name: randomToken(), handlers: map[string]Handler{},
		batches: map[string]batch{}, metrics: metrics}
}

// Workers reports how many goroutines Run starts and how many of them take only interactive messages.
func (w *Worker) Workers() (total, interactive int) { return w.cfg.Workers, w.cfg.Interactive }

// Handle registers the handler of a topic. Only topics with a handler are claimed.
func (w *Worker) Handle(topic string, h Handler) { w.handlers[topic] = h }

// HandleBatch registers a handler that receives up to size due messages of the topic for one portal
// at once.
func (w *Worker) HandleBatch(topic string, size int, h BatchHandler) {
	w.batches[topic] = batch{handle: h, max: max(1, size)}
}

// Run delivers messages with the configured number of goroutines until ctx is cancelled. The items
// in hand when ctx ends are finished first; a claim that ctx interrupts is handed back at once.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range w.cfg.Workers {
		lane := LaneBulk
		if i < w.cfg.Interactive {
			lane = LaneInteractive
		}
		wg.Go(func() { w.loop(ctx, lane) })
	}
	wg.Wait()
	w.releaseHeld()
}

// Claim sizes: a worker whose handlers take less than fastDelivery per message claims twice as many
// next time, up to maxPrefetch; a slow handler brings it back to one, so slow work stays spread over
// the workers. Only handler time counts: a slow database does not make messages slow.
const (
	maxPrefetch  = 32
	fastDelivery = 20 * time.Millisecond
)

func (w *Worker) loop(ctx context.Context, lane Lane) {
	size := 1
	for ctx.Err() == nil {
		n, busy, err := w.runOnce(ctx, lane, size)
		if err != nil && ctx.Err() == nil {
			w.log.Error("outbox: claim failed", "err", err)
		}
		if n > 0 && err == nil {
			size = 1
			if busy < fastDelivery*time.Duration(n) {
				size = min(2*n, maxPrefetch)
			}
			continue
		}
		size = 1
		select {
		case <-ctx.Done():
		case <-time.After(w.cfg.Poll):
		}
	}
}

// Drain delivers due messages, one claim at a time, until none is left and returns how many it
// handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		rows, err := w.claim(ctx, LaneBulk, 1)
		if err != nil || len(rows) == 0 {
			return n, err
		}
		if _, err := w.deliverAll(ctx, rows); err != nil {
			return n, err
		}
		n += len(rows)
	}
	return n, ctx.Err()
}

// RunOnce claims and delivers the next due message (or batch); it reports whether there was one.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	n, _, err := w.runOnce(ctx, LaneBulk, 1)
	return n > 0, err
}

// runOnce claims up to size messages from the lanes up to lane, interactive first, delivers them and
// returns how many it claimed and how long their handlers took.
func (w *Worker) runOnce(ctx context.Context, lane Lane, size int) (int, time.Duration, error) {
	rows, err := w.claim(ctx, lane, size)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	busy, err := w.deliverAll(ctx, rows)
	return len(rows), busy, err
}

// deliverAll runs the handlers of claimed rows and records the results: the delivered rows in one
// statement, each failure on its own. The rows are finished even if ctx is cancelled meanwhile
// (shutdown), bounded by the lease; rows not started by half the lease are handed back. It returns
// the time spent in handlers.
func (w *Worker) deliverAll(ctx context.Context, rows []Row) (time.Duration, error) {
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.Lease)
	defer cancel()
	start := w.clock.Now()
	var busy time.Duration
	var errs []error
	var done, unstarted []Row
	for _, group := range w.groups(rows) {
		if w.clock.Now().Sub(start) > w.cfg.Lease/2 {
			unstarted = append(unstarted, group...)
			continue
		}
		began := time.Now()
		results := w.deliver(runCtx, group)
		busy += time.Since(began)
		for i := range group {
			if results[i] == nil {
				done = append(done, group[i])
			} else {
				errs = append(errs, w.settle(runCtx, &group[i], results[i]))
			}
		}
	}
	errs = append(errs, w.settleDone(runCtx, done), w.releaseRows(runCtx, unstarted))
	return busy, errors.Join(errs...)
}

// groups splits claimed rows into deliveries: rows of a batch topic together per topic and portal, at
// most the handler's size at once, every other row alone. Rows past their last allowed attempt (a lease expired during it) go to dead
// without a delivery.
func (w *Worker) groups(rows []Row) [][]Row {
	var out [][]Row
	at := map[string]int{}
	for _, r := range rows {
		if r.Attempts > r.MaxAttempts {
			r.LastError = "lease expired during the last allowed attempt"
			out = append(out, []Row{r})
			continue
		}
		b, ok := w.batches[r.Topic]
		if !ok {
			out = append(out, []Row{r})
			continue
		}
		key := r.Topic + "\x00" + r.MemberID
		if i, ok := at[key]; ok && len(out[i]) < b.max {
			out[i] = append(out[i], r)
			continue
		}
		at[key] = len(out)
		out = append(out, []Row{r})
	}
	return out
}

// deliver runs the topic's handler (all rows share a topic) and returns one result per row.
func (w *Worker) deliver(ctx context.Context, rows []Row) (results []error) {
	if rows[0].Attempts > rows[0].MaxAttempts {
		return []error{Permanent(errors.New(rows[0].LastError))}
	}
	jobs := make([]Job, len(rows))
	for i, r := range rows {
		jobs[i] = Job{ID: r.ID, Topic: r.Topic, MemberID: r.MemberID, Payload: []byte(r.Payload), Attempt: r.Attempts}
	}
	defer func() {
		if p := recover(); p != nil {
			results = repeat(fmt.Errorf("outbox: handler panicked: %v", p), len(rows))
		}
	}()
	if b, ok := w.batches[rows[0].Topic]; ok {
		results = b.handle(ctx, jobs)
		if len(results) != len(jobs) {
			return repeat(fmt.Errorf("outbox: %s batch handler gave %d results for %d jobs", rows[0].Topic, len(results), len(jobs)), len(jobs))
		}
		return results
	}
	results = make([]error, len(jobs))
	for i, j := range jobs {
		results[i] = w.handlers[j.Topic](ctx, j)
	}
	return results
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

func (w *Worker) topics() []string {
	t := make([]string, 0, len(w.handlers)+len(w.batches))
	for k := range w.handlers {
		t = append(t, k)
	}
	for k := range w.batches {
		t = append(t, k)
	}
	sort.Strings(t)
	return t
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

// settleDone records delivered rows of one claim in one statement.
func (w *Worker) settleDone(ctx context.Context, rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	ids := idsOf(rows)
	now := w.clock.Now()
	res := w.db.WithContext(ctx).Model(&Row{}).Where("id IN ? AND leased_by = ? AND status = ?", ids, rows[0].LeasedBy, StatusRunning).
		Updates(map[string]any{"status": StatusDone, "done_at": now, "last_error": "", "lease_until": nil, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("outbox: settle %d delivered messages: %w", len(rows), res.Error)
	}
	for _, r := range rows {
		w.metrics.observe(r.Topic, StatusDone)
	}
	if int(res.RowsAffected) < len(rows) {
		w.log.Warn("outbox: lease lost before the result was recorded; another worker owns the messages",
			"outbox_ids", ids, "recorded", res.RowsAffected)
	}
	return nil
}

func idsOf(rows []Row) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
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
