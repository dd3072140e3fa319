package b24fake

import (
	"net/http"
	"strings"
	"time"
)

type counters struct {
	requests    map[string]int
	calls       map[string]int
	total       int
	rejected503 int
	refreshes   int
}

func newCounters() counters {
	return counters{requests: map[string]int{}, calls: map[string]int{}}
}

// leakyBucket: every request adds one and the level drains by rate per second; once the level
// exceeds size the next request is rejected (and not counted), so size+1 requests pass at once.
type leakyBucket struct {
	rate, size float64
	level      float64
	last       time.Time
	clock      func() time.Time
}

func (b *leakyBucket) admit() bool {
	now := b.clock()
	if !b.last.IsZero() {
		b.level -= now.Sub(b.last).Seconds() * b.rate
		if b.level < 0 {
			b.level = 0
		}
	}
	b.last = now
	if b.level > b.size+1e-9 {
		return false
	}
	b.level++
	return true
}

type injectedFault struct {
	method string
	left   int
	code   string
	status int
}

type faults struct {
	injected    []*injectedFault
	latency     time.Duration
	alwaysLimit bool
	opLimits    map[string]time.Time
}

// FailNext makes the next n calls of method (lower-case name; "" or "*" = any method, batch
// sub-commands included) fail with code. status 0 means the status Bitrix24 uses for that code;
// an empty code with a 5xx status answers with an HTML body, as an overloaded portal does.
func (p *Portal) FailNext(method string, n int, code string, status int) {
	if status == 0 {
		status = statusOf(code)
	}
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.faults.injected = append(p.faults.injected, &injectedFault{method: normalizeMethod(method), left: n, code: code, status: status})
}

// SetLatency delays every REST response by d.
func (p *Portal) SetLatency(d time.Duration) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.faults.latency = d
}

// SetQueryLimitAlways answers every REST request with QUERY_LIMIT_EXCEEDED while on.
func (p *Portal) SetQueryLimitAlways(on bool) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.faults.alwaysLimit = on
}

// OperationTimeLimit blocks method with OPERATION_TIME_LIMIT (429) while Now() is before until;
// a zero until lifts the block.
func (p *Portal) OperationTimeLimit(method string, until time.Time) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	if p.faults.opLimits == nil {
		p.faults.opLimits = map[string]time.Time{}
	}
	p.faults.opLimits[normalizeMethod(method)] = until
}

// takeFault consumes one injected fault matching method.
func (p *Portal) takeFault(method string) *APIError {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	for i, f := range p.faults.injected {
		if f.method != "" && f.method != "*" && f.method != method {
			continue
		}
		f.left--
		if f.left <= 0 {
			p.faults.injected = append(p.faults.injected[:i], p.faults.injected[i+1:]...)
		}
		desc := usualDescription[strings.ToLower(f.code)]
		if desc == "" {
			desc = "Injected failure"
		}
		return &APIError{Status: f.status, Code: f.code, Description: desc}
	}
	return nil
}

// operationBlocked returns the reset time when method is over its operating-time budget.
func (p *Portal) operationBlocked(method string) (time.Time, bool) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	until, ok := p.faults.opLimits[method]
	if !ok || !p.now().Before(until) {
		return time.Time{}, false
	}
	return until, true
}

func (p *Portal) operatingResetAt(method string) time.Time {
	if until, blocked := p.operationBlocked(method); blocked {
		return until
	}
	return p.now().Add(operatingWindow)
}

// admitRequest counts the request and applies the global switches and the bucket.
func (p *Portal) admitRequest(method string) (time.Duration, *APIError) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.counters.total++
	p.counters.requests[method]++
	if p.faults.alwaysLimit || !p.bucket.admit() {
		return p.faults.latency, apiErr("QUERY_LIMIT_EXCEEDED", "")
	}
	return p.faults.latency, nil
}

func (p *Portal) countCall(method string) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.counters.calls[method]++
}

func (p *Portal) count503(status int) {
	if status != http.StatusServiceUnavailable {
		return
	}
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.counters.rejected503++
}

// Requests counts HTTP requests to /rest/<method> (any outcome).
func (p *Portal) Requests(method string) int {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.counters.requests[normalizeMethod(method)]
}

// Calls counts executions of method, batch sub-commands included.
func (p *Portal) Calls(method string) int {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.counters.calls[normalizeMethod(method)]
}

// TotalRequests counts all HTTP requests to /rest/.
func (p *Portal) TotalRequests() int {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.counters.total
}

// Rejected503 counts 503 responses sent (rate limit and injected).
func (p *Portal) Rejected503() int {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.counters.rejected503
}

// Refreshes counts successful refresh_token grants.
func (p *Portal) Refreshes() int {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.counters.refreshes
}

func normalizeMethod(m string) string {
	m = strings.ToLower(strings.Trim(m, "/ "))
	return strings.TrimSuffix(m, ".json")
}
