package invoicebox

import "time"

// Payment time limits.
const (
	// MinTimeLimit is the shortest payment time limit Invoicebox allows.
	MinTimeLimit = time.Minute
	// MaxTrustedDeferral is the longest deferral, only for clients marked trusted.
	MaxTrustedDeferral = 30 * 24 * time.Hour
)

// atomLayout is the date format Invoicebox sends and expects (PHP DATE_ATOM).
const atomLayout = "2006-01-02T15:04:05-07:00"

// ExpirationDate is now + limit, checked against the allowed range: at least
// MinTimeLimit; at most maxUntrusted, or MaxTrustedDeferral for a trusted client.
func ExpirationDate(now time.Time, limit time.Duration, trusted bool, maxUntrusted time.Duration) (time.Time, error) {
	if now.IsZero() {
		return time.Time{}, inputErr("now", "the current time is needed")
	}
	if limit < MinTimeLimit {
		return time.Time{}, inputErr("timeLimit", "time limit %s is below %s", limit, MinTimeLimit)
	}
	max := maxUntrusted
	if trusted {
		max = MaxTrustedDeferral
	}
	if limit > max {
		return time.Time{}, inputErr("timeLimit", "time limit %s exceeds %s (trusted=%t)", limit, max, trusted)
	}
	return now.Add(limit).UTC().Truncate(time.Second), nil
}

func formatTime(t time.Time) string { return t.UTC().Format(atomLayout) }

// parseTime reads the date formats seen from Invoicebox; an empty or unreadable
// value gives the zero time (dates are informative, never a reason to drop a message).
func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
