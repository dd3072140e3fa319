package scheduler

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t *testing.T) (*Scheduler, *clock.Frozen, *syncBuffer) {
	buf := &syncBuffer{}
	clk := clock.NewFrozen(time.Date(2026, 1, 31, 6, 0, 0, 0, time.UTC))
	s := New(clk, slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), time.UTC)
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s, clk, buf
}

func TestPassGetsTheInjectedClocksNow(t *testing.T) {
	t.Parallel()
	s, clk, _ := setup(t)
	var got time.Time
	s.wrap("reminders", func(_ context.Context, now time.Time) error {
		got = now
		return nil
	}).Run()
	require.Equal(t, clk.Now(), got)
}

func TestPanicInAPassIsRecoveredAndLogged(t *testing.T) {
	t.Parallel()
	s, _, buf := setup(t)
	job := s.wrap("reconcile", func(context.Context, time.Time) error { panic("boom") })
	require.NotPanics(t, job.Run)
	require.Contains(t, buf.String(), "boom")
	require.Contains(t, buf.String(), "job=reconcile")
	// A later tick still runs.
	require.NotPanics(t, job.Run)
}

func TestSlowPassIsNotStartedTwice(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	var runs atomic.Int32
	job := s.wrap("billing", func(context.Context, time.Time) error {
		runs.Add(1)
		started <- struct{}{}
		<-release
		return nil
	})
	go job.Run()
	<-started
	job.Run() // a tick while the first run is still going: skipped, returns at once
	close(release)
	require.Eventually(t, func() bool { return runs.Load() == 1 }, time.Second, time.Millisecond)
	require.Equal(t, int32(1), runs.Load())
}

func TestBadSpecNamesThePass(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t)
	err := s.Add("outbox-purge", "every tuesday", func(context.Context, time.Time) error { return nil })
	require.ErrorContains(t, err, "outbox-purge")
	require.NoError(t, s.Add("outbox-purge", "@hourly", func(context.Context, time.Time) error { return nil }))
	require.Contains(t, s.Names(), "outbox-purge")
}

func TestStopCancelsPassContextAndWaits(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t)
	var cancelled atomic.Bool
	require.NoError(t, s.Add("long", "@every 1s", func(ctx context.Context, _ time.Time) error {
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond)
		cancelled.Store(true)
		return ctx.Err()
	}))
	s.Start()
	time.Sleep(1200 * time.Millisecond) // let the first tick fire
	require.NoError(t, s.Stop(context.Background()))
	require.True(t, cancelled.Load(), "Stop returned before the running pass finished")
}
