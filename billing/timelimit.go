package billing

import (
	"fmt"
	"time"
)

// Payment time limits the seller may choose: from one minute to the 30-day deferral (Invoicebox
// reference §10; the same range for SBP QR codes).
const (
	MinTimeLimit = time.Minute
	MaxTimeLimit = 30 * 24 * time.Hour
)

// CheckTimeLimit tells whether a payment time limit is in the allowed range.
func CheckTimeLimit(d time.Duration) error {
	if d < MinTimeLimit || d > MaxTimeLimit {
		return fmt.Errorf("time limit %s is outside %s…%s", d, MinTimeLimit, MaxTimeLimit)
	}
	return nil
}

// Why a time limit applies.
const (
	LimitDefault = "default" // the route's configured limit
	LimitInvoice = "invoice" // chosen for this invoice in the tab
	LimitTrusted = "trusted" // the client is trusted: the 30-day deferral
)

// Limit is the time limit a new order through a route gets, and why: a trusted client's deferral
// wins, then the invoice's own choice (zero: none), then the route's default.
func (s *Service) Limit(provider string, trusted bool, chosen time.Duration) (time.Duration, string) {
	switch {
	case trusted:
		return s.cfg.TrustedTimeLimit, LimitTrusted
	case chosen > 0:
		return chosen, LimitInvoice
	}
	if d, ok := s.cfg.TimeLimits[provider]; ok && d > 0 {
		return d, LimitDefault
	}
	return s.cfg.TimeLimit, LimitDefault
}
