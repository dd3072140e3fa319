package bitrix

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiters is a registry of per-portal limiters keyed by member id. Share one
// Limiters between all Clients of the process.
type Limiters struct {
	mu      sync.Mutex
	portals map[string]*portalLimiter
}

// NewLimiters returns an empty registry.
func NewLimiters() *Limiters {
	return &Limiters{portals: make(map[string]*portalLimiter)}
}

func (l *Limiters) get(memberID string, rps float64, burst int, now func() time.Time) *portalLimiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.portals[memberID]
	if !ok {
		p = newPortalLimiter(rps, burst, now)
		l.portals[memberID] = p
	}
	return p
}

// portalLimiter is the portal's leaky bucket (a token bucket of capacity
// Burst refilled at Rate is the same shape: Burst requests at once, then
// Rate per second) plus per-method pauses for OPERATION_TIME_LIMIT.
type portalLimiter struct {
	bucket *rate.Limiter
	now    func() time.Time

	mu        sync.Mutex
	pausedTo  map[string]time.Time // lower-cased method → resume time
	resetAt   map[string]time.Time // lower-cased method → last operating_reset_at
	bucketRPS float64
}

func newPortalLimiter(rps float64, burst int, now func() time.Time) *portalLimiter {
	return &portalLimiter{
		bucket:    rate.NewLimiter(rate.Limit(rps), burst),
		now:       now,
		pausedTo:  make(map[string]time.Time),
		resetAt:   make(map[string]time.Time),
		bucketRPS: rps,
	}
}

// wait blocks until the method is not paused and the bucket has room.
func (p *portalLimiter) wait(ctx context.Context, method string) error {
	if err := p.waitPause(ctx, method); err != nil {
		return err
	}
	return p.bucket.Wait(ctx)
}

func (p *portalLimiter) waitPause(ctx context.Context, method string) error {
	p.mu.Lock()
	until := p.pausedTo[strings.ToLower(method)]
	p.mu.Unlock()
	if d := until.Sub(p.now()); d > 0 {
		return sleep(ctx, d)
	}
	return nil
}

// drain empties the bucket after the portal said QUERY_LIMIT_EXCEEDED: our
// view of the bucket was too optimistic (other apps share it).
func (p *portalLimiter) drain() {
	now := time.Now() // rate.Limiter works on wall time
	if n := int(p.bucket.TokensAt(now)); n > 0 {
		p.bucket.AllowN(now, n)
	}
}

// noteReset remembers operating_reset_at of a successful response.
func (p *portalLimiter) noteReset(method string, at time.Time) {
	if at.IsZero() {
		return
	}
	p.mu.Lock()
	p.resetAt[strings.ToLower(method)] = at
	p.mu.Unlock()
}

// operatingWindow is Bitrix24's operating-time window; no pause is longer.
const operatingWindow = 10 * time.Minute

// pause stops the method until the reset sent with the error, else its last
// known reset, else for fallback.
func (p *portalLimiter) pause(method string, sent time.Time, fallback time.Duration) time.Time {
	key := strings.ToLower(method)
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	until := sent
	if !until.After(now) {
		until = p.resetAt[key]
	}
	if !until.After(now) {
		until = now.Add(fallback)
	}
	if limit := now.Add(operatingWindow); until.After(limit) {
		until = limit
	}
	if until.After(p.pausedTo[key]) {
		p.pausedTo[key] = until
	}
	return p.pausedTo[key]
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
