package billing

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"b24pay/store"
)

// Follow moves the open orders of some payables to what they owe now (their amount changed: an
// edit, a payment, a refund). The provider side moves right away: the order is updated where the
// provider allows it; otherwise the old order is cancelled, the cancel confirmed, and a new one
// made under the same pay page link, with the same deadline. Nothing owed any more: the order is
// withdrawn. There are never two live orders for one payable: a new order is created only after
// the provider confirmed the old one can no longer be paid. Money paid for the old order meanwhile
// is booked once by the usual settlement (and the booking queues the next Follow). An order that
// cannot be moved now is an error: the outbox retries.
func (s *Service) Follow(ctx context.Context, memberID, kind string, ids []int64) error {
	ctx = detached(ctx)
	open, err := s.openOf(ctx, memberID, kind, ids)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range open {
		errs = append(errs, s.follow(ctx, p.MemberID, p.PayableKind, p.PayableID))
	}
	return errors.Join(errs...)
}

// follow brings one payable's open order to its outstanding amount.
func (s *Service) follow(ctx context.Context, memberID, kind string, id int64) error {
	for range 4 {
		open, err := s.openPayment(ctx, kind, id)
		if err != nil || open == nil {
			return err
		}
		if open.Status == StatusUnknown || open.PayURL == "" {
			if err := s.resolve(ctx, open); err != nil {
				return err
			}
			if again, err := s.Get(ctx, open.ID); err != nil || (Open(again.Status) && again.PayURL == "") {
				return errors.Join(ErrOutcomeUnknown, err) // its create is still running: retried later
			}
			continue
		}
		pb, err := s.payables.Payable(ctx, memberID, kind, id)
		if err != nil {
			return err
		}
		prov, active := s.activeProvider(open.Provider)
		switch {
		case pb.OutstandingMinor == open.AmountMinor:
			return nil
		case open.ExpiresAt != nil && !s.clock.Now().Before(*open.ExpiresAt):
			return s.expire(ctx, open.ID) // its time is up: never renewed on our own
		case pb.OutstandingMinor <= 0 || !active:
			return s.WithdrawOpen(ctx, memberID, kind, []int64{id})
		case s.updated(ctx, prov, open, pb, 0):
			continue // looks again: a concurrent change may have moved the amount meanwhile
		}
		if err := s.replace(ctx, prov, open, pb); err != nil {
			return err
		}
	}
	return ErrOutcomeUnknown
}

// replace cancels an open order at its provider and, once the cancel is confirmed, makes a new
// order for the payable's current amount that takes over the old one's pay page link and deadline.
// If the old order was paid or closed meanwhile, nothing new is made here (the caller looks again).
func (s *Service) replace(ctx context.Context, prov Provider, old *Payment, pb Payable) error {
	withdrawn, err := s.withdraw(ctx, old)
	switch {
	case errors.Is(err, errSettledMeanwhile):
		return nil
	case err != nil:
		return err
	case !withdrawn:
		return errors.Join(ErrOutcomeUnknown, errors.New("billing: the old order may still be created"))
	}
	next := s.newPayment(pb, old.Provider, old.PayToken)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.lock(tx, old.ID)
		if err != nil || !Open(cur.Status) {
			return errors.Join(errSettledMeanwhile, err)
		}
		now := s.clock.Now()
		if err := s.transition(tx, cur, StatusCancelled, map[string]any{"settled_at": now, "next_check_at": nil,
			"pay_token": old.PayToken + "." + old.ID}); err != nil {
			return err
		}
		return tx.Create(next).Error
	})
	switch {
	case errors.Is(err, errSettledMeanwhile), store.IsUniqueViolation(err):
		return nil // paid, closed or replaced meanwhile: the caller looks again
	case err != nil:
		return err
	}
	_, err = s.create(ctx, prov, next, pb, s.remaining(old, pb))
	if errors.Is(err, ErrOutcomeUnknown) {
		return nil // recorded as unknown: reconciliation resolves it, never a second order
	}
	return err
}

// remaining is the time left of a replaced order: the new order keeps the old one's deadline.
func (s *Service) remaining(old *Payment, pb Payable) time.Duration {
	if old.ExpiresAt == nil {
		d, _ := s.Limit(old.Provider, pb.Trusted, 0)
		return d
	}
	return max(old.ExpiresAt.Sub(s.clock.Now()), MinTimeLimit)
}
