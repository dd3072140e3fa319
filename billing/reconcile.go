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
		if p.ExpiresAt != nil && !now.Before(*p.ExpiresAt) {
			if err := s.expire(ctx, p.ID); err != nil {
				s.log.Warn("could not withdraw an expired order", "payment", p.ID, "err", err)
			}
		}
		if err := s.nextCheck(ctx, p.ID, p.CheckAttempts, now); err != nil {
			return err
		}
	}
	return nil
}

// expire withdraws an order still open after its time limit (e.g. cancels the SBP QR) so it can
// no longer be paid, and marks the payment expired. If it was paid meanwhile, that wins.
func (s *Service) expire(ctx context.Context, id string) error {
	p, err := s.Get(ctx, id)
	if err != nil || p.Status != StatusPending {
		return err
	}
	if prov, ok := s.provider(p.Provider); ok && p.ProviderRef != "" {
		if err := prov.Cancel(ctx, p.ProviderRef); err != nil {
			return s.resolve(ctx, p)
		}
	}
	return s.move(ctx, id, StatusExpired, "")
}
