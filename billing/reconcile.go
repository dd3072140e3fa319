package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Reconcile is the cron pass that asks providers about every payment whose check is due, backing
// off from minutes to hours to daily: open ones (pending, unknown) are settled or closed; closed
// ones whose order may still be live (cancelled or expired without the provider's confirmation, a
// create that answered after we closed the row) are withdrawn, or their late money booked. A crash
// between the provider's success and our commit, or between our insert and the create, is
// repaired here. Refunds waiting for their provider are reconciled the same way.
func (s *Service) Reconcile(ctx context.Context, now time.Time) error {
	var due []Payment
	err := s.db.WithContext(ctx).Where("next_check_at IS NOT NULL AND next_check_at <= ?", now).
		Order("next_check_at").Limit(200).Find(&due).Error
	if err != nil {
		return err
	}
	for i := range due {
		p := &due[i]
		if err := s.check(ctx, p, now); err != nil {
			s.log.Warn("reconciliation could not settle a payment", "payment", p.ID, "err", err)
		}
		if err := s.nextCheck(ctx, p.ID, p.CheckAttempts, now); err != nil {
			return err
		}
	}
	if _, err := s.PurgeRejected(ctx, now); err != nil {
		return err
	}
	return s.reconcileRefunds(ctx, now)
}

// check reconciles one payment.
func (s *Service) check(ctx context.Context, p *Payment, now time.Time) error {
	if Closed(p.Status) {
		return s.recheckClosed(ctx, p)
	}
	if !Open(p.Status) {
		return nil
	}
	if err := s.resolve(ctx, p); err != nil {
		return err
	}
	if p.ExpiresAt != nil && !now.Before(*p.ExpiresAt) {
		return s.expire(ctx, p.ID)
	}
	return nil
}

// recheckClosed withdraws the order of a payment we closed, or books the money that came for it.
func (s *Service) recheckClosed(ctx context.Context, p *Payment) error {
	withdrawn, err := s.withdraw(ctx, p)
	switch {
	case errors.Is(err, errSettledMeanwhile):
		return nil
	case err != nil || !withdrawn:
		return err
	}
	return s.locked(ctx, p.ID, func(tx *gorm.DB, cur *Payment) error {
		if !Closed(cur.Status) {
			return nil
		}
		return s.transition(tx, cur, cur.Status, map[string]any{"next_check_at": nil})
	})
}

// expire withdraws an order still open after its time limit (e.g. cancels the SBP QR) so it can
// no longer be paid, and marks the payment expired. If it was paid meanwhile, that wins.
func (s *Service) expire(ctx context.Context, id string) error {
	p, err := s.Get(ctx, id)
	if err != nil || p.Status != StatusPending {
		return err
	}
	return s.cancel(ctx, p, StatusExpired)
}

// openOf lists the open payments of some payables.
func (s *Service) openOf(ctx context.Context, memberID, kind string, ids []int64) ([]Payment, error) {
	var open []Payment
	return open, s.db.WithContext(ctx).Where("member_id = ? AND payable_kind = ? AND payable_id IN ? AND status IN ?", memberID, kind,
		ids, []string{StatusPending, StatusUnknown}).Find(&open).Error
}

// WithdrawOpen makes the open payments of some payables unpayable at their providers and closes
// them (before the payables are cancelled or change their amount). A payment found paid is booked
// and left succeeded; an order that cannot be withdrawn now is an error and its payment stays open.
func (s *Service) WithdrawOpen(ctx context.Context, memberID, kind string, ids []int64) error {
	ctx = detached(ctx)
	open, err := s.openOf(ctx, memberID, kind, ids)
	if err != nil {
		return err
	}
	for i := range open {
		p := &open[i]
		withdrawn, err := s.withdraw(ctx, p)
		switch {
		case errors.Is(err, errSettledMeanwhile):
			continue
		case err != nil:
			return err
		case !withdrawn:
			return fmt.Errorf("billing: the order of payment %s may still be created", p.ID)
		}
		if err := s.closeOpen(ctx, p.ID, StatusCancelled); err != nil {
			return err
		}
	}
	return nil
}
