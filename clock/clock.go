// Package clock gives code an injectable notion of "now" so tests can freeze and move time.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current instant. Implementations return UTC.
type Clock interface {
	Now() time.Time
}

// System is the wall clock.
type System struct{}

// Now returns the current UTC instant.
func (System) Now() time.Time { return time.Now().UTC() }

// Frozen is a manually driven clock for tests; safe for concurrent use.
type Frozen struct {
	mu  sync.Mutex
	now time.Time
}

// NewFrozen returns a clock stopped at t.
func NewFrozen(t time.Time) *Frozen { return &Frozen{now: t.UTC()} }

// Now returns the frozen instant.
func (f *Frozen) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Frozen) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Set moves the clock to t.
func (f *Frozen) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t.UTC()
}
