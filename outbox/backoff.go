package outbox

import (
	"math/rand/v2"
	"time"
)

// Backoff is the pause before attempt n+1 after n failed attempts: base·2^(n-1), capped,
// with "equal jitter" (half fixed, half random) so retries of many rows spread out.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff starts at 5 s and caps at 1 h.
var DefaultBackoff = Backoff{Base: 5 * time.Second, Max: time.Hour}

// Delay returns the pause after the given number of failed attempts (≥ 1).
func (b Backoff) Delay(attempts int) time.Duration {
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}
