package b24fake

import "time"

// Load makes the portal answer like a busy production one, for benchmarks: every REST answer is
// delayed and every executed call is charged operating time (reference §4.2). The zero Load, the
// default, changes nothing.
type Load struct {
	Latency time.Duration // added before every REST answer, as SetLatency
	// Operating is the execution time charged per call of a method, lower-case name; a batch's
	// sub-calls are each charged, the outer batch nothing. Methods not listed cost OperatingDefault.
	Operating        map[string]time.Duration
	OperatingDefault time.Duration
	// OperatingLimit is a method's budget over the sliding window of ten one-minute buckets (default
	// 480 s). A call that would exceed it gets OPERATION_TIME_LIMIT, and so does every call of the
	// method until the oldest bucket leaves the window.
	OperatingLimit time.Duration
}

type loadState struct {
	Load
	used map[string]map[int64]time.Duration // method → minute (Unix/60) → time charged
}

// SetLoad applies l from the next request on (Options.Now drives the operating-time window).
func (p *Portal) SetLoad(l Load) {
	if l.OperatingLimit <= 0 {
		l.OperatingLimit = 480 * time.Second
	}
	p.SetLatency(l.Latency)
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.load = &loadState{Load: l, used: map[string]map[int64]time.Duration{}}
}

// chargeOperating books one call of method against its budget, or refuses it and blocks the method
// until the window has room again.
func (p *Portal) chargeOperating(method string) *APIError {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	if p.load == nil || method == "batch" {
		return nil
	}
	cost, ok := p.load.Operating[method]
	if !ok {
		cost = p.load.OperatingDefault
	}
	if cost <= 0 {
		return nil
	}
	minute := p.now().Unix() / 60
	buckets := p.load.used[method]
	if buckets == nil {
		buckets = map[int64]time.Duration{}
		p.load.used[method] = buckets
	}
	var used time.Duration
	oldest := minute
	for m, d := range buckets {
		if m <= minute-10 {
			delete(buckets, m)
			continue
		}
		used += d
		oldest = min(oldest, m)
	}
	if used+cost > p.load.OperatingLimit {
		if p.faults.opLimits == nil {
			p.faults.opLimits = map[string]time.Time{}
		}
		p.faults.opLimits[method] = time.Unix((oldest+10)*60, 0)
		return apiErr("OPERATION_TIME_LIMIT", "")
	}
	buckets[minute] += cost
	return nil
}
