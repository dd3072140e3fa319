package billing

import (
	"context"
	"time"
)

// Reconcile is the cron pass that asks providers about payments still pending or unknown when
// their check is due (backing off from minutes to hours to daily) and settles them. A crash
// between the provider's success and our commit is repaired here.
func (s *Service) Reconcile(ctx context.Context, now time.Time) error {
	var due []Payment
	err := s.db.WithContext(ctx).Where("status IN ? AND next_check_at <= ?", []string{StatusPending, StatusUnknown}, now).
		Order("next_check_at").Limit(200).Find(&due).Error
	if err != nil {
		return err
	}
	for i := range due {
		p := &due[i]
		if err := s.resolve(ctx, p); err != nil {
			s.log.Warn("reconciliation could not settle a payment", "payment", p.ID, "err", err)
		}
		if err := s.nextCheck(ctx, p.ID, p.CheckAttempts, now); err != nil {
			return err
		}
	}
	return nil
}
