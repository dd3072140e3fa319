package clock

import (
	"sync"
	"time"
)

// Offset is the wall clock moved forward by a settable amount: time keeps flowing, and Advance
// jumps ahead (the sandbox's time control). Safe for concurrent use.
type Offset struct {
	mu     sync.Mutex
	offset time.Duration
	wall   func() time.Time
}

// NewOffset returns a clock that starts at the wall clock.
func NewOffset() *Offset { return &Offset{wall: time.Now} }

// Now returns the wall clock plus the offset, in UTC.
func (o *Offset) Now() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.wall().Add(o.offset).UTC()
}

// Advance moves the clock forward by d (a negative d is refused: time never runs back).
func (o *Offset) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.offset += d
}

// Ahead tells how far the clock runs ahead of the wall clock.
func (o *Offset) Ahead() time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.offset
}
