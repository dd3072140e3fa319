package cabinet

import (
	"context"
	"time"
)

// Limit is how many attempts a bucket allows per window.
type Limit struct {
	Max    int
	Window time.Duration
}

// Limits of each throttled action, per client address and per account (e-mail).
type Limits struct {
	SignInIP, SignInAccount     Limit
	ResetIP, ResetAccount       Limit
	RegisterIP, RegisterAccount Limit
}

// DefaultLimits are generous for a person and tight for a script.
var DefaultLimits = Limits{
	SignInIP:        Limit{30, 15 * time.Minute},
	SignInAccount:   Limit{5, 15 * time.Minute},
	ResetIP:         Limit{10, time.Hour},
	ResetAccount:    Limit{3, time.Hour},
	RegisterIP:      Limit{10, time.Hour},
	RegisterAccount: Limit{3, time.Hour},
}

// throttle counts the attempts of each bucket in the database (shared by every replica) and
// records this one. It refuses when any bucket is already at its limit.
func (s *Service) throttle(ctx context.Context, buckets map[string]Limit) error {
	now := s.clock.Now()
	for b, l := range buckets {
		var n int64
		if err := s.db.WithContext(ctx).Model(&attempt{}).Where("bucket = ? AND at > ?", b, now.Add(-l.Window)).
			Count(&n).Error; err != nil {
			return err
		}
		if n >= int64(l.Max) {
			return ErrThrottled
		}
	}
	for b := range buckets {
		if err := s.db.WithContext(ctx).Create(&attempt{Bucket: b, At: now}).Error; err != nil {
			return err
		}
	}
	return nil
}

// forget clears an account's sign-in failures after a successful sign-in.
func (s *Service) forget(ctx context.Context, bucket string) error {
	return s.db.WithContext(ctx).Where("bucket = ?", bucket).Delete(&attempt{}).Error
}

// PurgeAttempts drops attempts older than a day (cron pass).
func (s *Service) PurgeAttempts(ctx context.Context, now time.Time) error {
	return s.db.WithContext(ctx).Where("at < ?", now.Add(-24*time.Hour)).Delete(&attempt{}).Error
}
