// Package scheduler triggers background passes on cron specs. A pass is a RunDue(ctx, now)
// function: it processes everything due up to now that is not done yet, so it is safe to run
// twice, after a missed tick, or on two replicas at once. Cron only says "now would be a good time".
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"b24pay/clock"
)

// RunDue processes what is due at now.
type RunDue func(ctx context.Context, now time.Time) error

// Scheduler owns the cron instance and the context passes run under.
type Scheduler struct {
	cron   *cron.Cron
	clock  clock.Clock
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	names  map[cron.EntryID]string
	passes map[string]RunDue
}

// New builds a scheduler whose specs are read in loc (the portal's time zone).
func New(clk clock.Clock, log *slog.Logger, loc *time.Location) *Scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		cron:  cron.New(cron.WithLocation(loc), cron.WithLogger(cronLogger{log})),
		clock: clk, log: log, ctx: ctx, cancel: cancel, names: map[cron.EntryID]string{}, passes: map[string]RunDue{},
	}
}

// Add registers a pass under a name with a standard 5-field cron spec or a descriptor (@every 1m).
func (s *Scheduler) Add(name, spec string, fn RunDue) error {
	id, err := s.cron.AddJob(spec, s.wrap(name, fn))
	if err != nil {
		return fmt.Errorf("scheduler: %s: bad cron spec %q: %w", name, spec, err)
	}
	s.mu.Lock()
	s.names[id] = name
	s.passes[name] = fn
	s.mu.Unlock()
	return nil
}

// Passes returns the registered passes by name, to run them outside cron (tests driving a
// frozen clock through a day on several replicas).
func (s *Scheduler) Passes() map[string]RunDue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.passes)
}

// wrap adds panic recovery (innermost, so a panic is logged with the pass's name) and
// skip-if-still-running (a slow pass is never started twice in this process).
func (s *Scheduler) wrap(name string, fn RunDue) cron.Job {
	logger := cronLogger{s.log.With("job", name)}
	run := cron.FuncJob(func() {
		started := s.clock.Now()
		if err := fn(s.ctx, started); err != nil {
			s.log.Error("scheduled pass failed", "job", name, "err", err)
			return
		}
		s.log.Debug("scheduled pass done", "job", name, "took", time.Since(started))
	})
	return cron.NewChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)).Then(run)
}

// Start begins triggering passes.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops triggering, cancels the passes' context and waits for running passes until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.cancel()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler: passes still running at shutdown: %w", ctx.Err())
	}
}

// Names lists the registered passes with their next run, for logging at start.
func (s *Scheduler) Names() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]time.Time{}
	for _, e := range s.cron.Entries() {
		out[s.names[e.ID]] = e.Next
	}
	return out
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
