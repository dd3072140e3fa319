package sbpfake

import "time"

// SetDelay holds every answer for d after the request has been carried out — with a client
// timeout below d this is "the bank did it but we never heard back". Zero turns it off.
func (b *Bank) SetDelay(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.delay = d
}

// RateLimitNext answers the next n requests with HTTP 429 and Retry-After (whole seconds),
// without carrying them out.
func (b *Bank) RateLimitNext(n int, retryAfter time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.rateLimitLeft, b.switches.retryAfter = n, retryAfter
}

// FailNext answers the next n requests with HTTP status; if processed is true the request is
// carried out first (a 5xx that hides a success).
func (b *Bank) FailNext(n, status int, processed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.failLeft, b.switches.failStatus, b.switches.failProcessed = n, status, processed
}

// ErrorsAsHTTP200 makes business errors come back as HTTP 200 with an ERROR.* code
// (the other reading of the bank's documentation).
func (b *Bank) ErrorsAsHTTP200(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.errorsAsHTTP200 = on
}

// DuplicateCallbacks delivers every callback twice.
func (b *Bank) DuplicateCallbacks(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.duplicate = on
}

// HoldCallbacks keeps callbacks back until ReleaseCallbacks, which sends them newest first.
func (b *Bank) HoldCallbacks(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.outOfOrder = on
}

// AutoCompleteRefunds makes new refunds COMPLETED at once instead of IN_PROGRESS.
func (b *Bank) AutoCompleteRefunds(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.autoRefund = on
}
