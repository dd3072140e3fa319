package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Refund returns part or all of a succeeded payment. The amount is checked and reserved under the
// payment's row lock before the provider is asked, so concurrent refunds can never exceed what was
// paid; a refund the provider refuses releases its reservation. A refund whose answer is lost or
// whose route is unavailable stays pending with a check time: reconciliation asks again with the
// same refund id, which the provider treats as the same refund.
func (s *Service) Refund(ctx context.Context, paymentID string, amountMinor int64, reason string) (*Refund, error) {
	return s.RefundBy(ctx, paymentID, amountMinor, reason, 0)
}

// RefundBy is Refund asked for by a Bitrix24 user (kept on the refund; 0: nobody named).
func (s *Service) RefundBy(ctx context.Context, paymentID string, amountMinor int64, reason string, userID int64) (*Refund, error) {
	ctx = detached(ctx)
	now := s.clock.Now()
	check := now.Add(createGrace)
	r := &Refund{ID: newID("ref_", 12), PaymentID: paymentID, AmountMinor: amountMinor, Status: RefundPending,
		Reason: reason, RequestedBy: userID, NextCheckAt: &check, CreatedAt: now, UpdatedAt: now}
	err := s.locked(ctx, paymentID, func(tx *gorm.DB, p *Payment) error {
		if p.Status != StatusSucceeded && p.Status != StatusPartiallyRefunded {
			return fmt.Errorf("%w: payment is %s", ErrIllegalTransition, p.Status)
		}
		if amountMinor <= 0 || amountMinor > MaxMinor || p.RefundedMinor+amountMinor > p.PaidMinor {
			return ErrRefundExceedsPaid
		}
		r.MemberID = p.MemberID
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return s.bookRefund(ctx, tx, p, amountMinor, "Возврат "+formatMoney(amountMinor, p.Currency)+": "+reason)
	})
	if err != nil {
		return nil, err
	}
	return r, s.sendRefund(ctx, r)
}

// sendRefund asks the provider for a pending refund and records its answer.
func (s *Service) sendRefund(ctx context.Context, r *Refund) error {
	p, err := s.Get(ctx, r.PaymentID)
	if err != nil {
		return err
	}
	prov, ok := s.provider(p.Provider)
	if !ok {
		return ErrProviderNotConfigured // stays pending; reconciliation retries when the route is back
	}
	ref, perr := prov.Refund(ctx, RefundRequest{RefundID: r.ID, PaymentID: p.ID, Ref: p.ProviderRef, RefundRef: r.ProviderRef,
		Amount: toMajor(r.AmountMinor, p.Currency), Currency: p.Currency, Description: r.Reason})
	switch {
	case errors.Is(perr, ErrRefundInProgress):
		return s.keepRefundRef(ctx, r, ref) // stays pending; reconciliation reads it back
	case errors.Is(perr, ErrUnknownOutcome):
		return perr // stays pending with its reservation; the refund id makes a retry safe
	case perr != nil:
		return errors.Join(perr, s.releaseRefund(ctx, r, perr))
	}
	return s.finishRefund(ctx, r, ref)
}

// keepRefundRef stores the reference the provider gave a refund it is still processing.
func (s *Service) keepRefundRef(ctx context.Context, r *Refund, ref string) error {
	if ref == "" || ref == r.ProviderRef {
		return nil
	}
	r.ProviderRef = ref
	return s.db.WithContext(ctx).Model(&Refund{}).Where("id = ? AND status = ?", r.ID, RefundPending).
		Update("provider_ref", ref).Error
}

// RefundHooks is what a Payables may add to follow its refunds: ReleaseRefund gives back the
// reservation of a refund the provider refused (without it, ApplyPaid books the money back), and
// RefundSucceeded hears, in the refund's transaction, that the provider has returned the money.
type RefundHooks interface {
	ReleaseRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error
	RefundSucceeded(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, r Refund) error
}

// finishRefund records the provider's acceptance of a refund.
func (s *Service) finishRefund(ctx context.Context, r *Refund, ref string) error {
	return s.locked(ctx, r.PaymentID, func(tx *gorm.DB, p *Payment) error {
		cur, err := lockedRefund(tx, r.ID)
		if err != nil || cur.Status != RefundPending {
			return err
		}
		if err := s.refundTransition(tx, cur, RefundSucceeded, map[string]any{"provider_ref": ref, "next_check_at": nil}); err != nil {
			return err
		}
		cur.ProviderRef, cur.NextCheckAt = ref, nil
		*r = *cur
		if h, ok := s.payables.(RefundHooks); ok {
			return h.RefundSucceeded(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, *cur)
		}
		return nil
	})
}

func lockedRefund(tx *gorm.DB, id string) (*Refund, error) {
	var r Refund
	return &r, tx.Where("id = ?", id).Take(&r).Error
}

// bookRefund moves the refunded money on the payment and the payable (a negative amount releases
// a reservation).
func (s *Service) bookRefund(ctx context.Context, tx *gorm.DB, p *Payment, amountMinor int64, note string) error {
	refunded := p.RefundedMinor + amountMinor
	if err := s.transition(tx, p, refundedStatus(p.PaidMinor, refunded), map[string]any{"refunded_minor": refunded}); err != nil {
		return err
	}
	if amountMinor > 0 {
		return s.payables.ApplyRefund(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, amountMinor, note)
	}
	if h, ok := s.payables.(RefundHooks); ok {
		return h.ReleaseRefund(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, -amountMinor, note)
	}
	return s.payables.ApplyPaid(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, -amountMinor, note)
}

// releaseRefund undoes the reservation of a refund the provider refused.
func (s *Service) releaseRefund(ctx context.Context, r *Refund, cause error) error {
	return s.locked(ctx, r.PaymentID, func(tx *gorm.DB, p *Payment) error {
		cur, err := lockedRefund(tx, r.ID)
		if err != nil || cur.Status != RefundPending {
			return err
		}
		if err := s.refundTransition(tx, cur, RefundFailed, map[string]any{"last_error": cause.Error(), "next_check_at": nil}); err != nil {
			return err
		}
		cur.LastError, cur.NextCheckAt = cause.Error(), nil
		*r = *cur
		return s.bookRefund(ctx, tx, p, -r.AmountMinor, "Возврат отклонён: "+cause.Error())
	})
}

// reconcileRefunds asks again, with the same refund id, about refunds still pending.
func (s *Service) reconcileRefunds(ctx context.Context, now time.Time) error {
	var due []Refund
	err := s.db.WithContext(ctx).Where("status = ? AND next_check_at IS NOT NULL AND next_check_at <= ?", RefundPending, now).
		Order("next_check_at").Limit(200).Find(&due).Error
	if err != nil {
		return err
	}
	for i := range due {
		r := &due[i]
		if err := s.sendRefund(ctx, r); err != nil {
			s.log.Warn("reconciliation could not finish a refund", "refund", r.ID, "err", err)
		}
		if err := s.db.WithContext(ctx).Model(&Refund{}).Where("id = ? AND status = ?", r.ID, RefundPending).
			Updates(map[string]any{"check_attempts": r.CheckAttempts + 1,
				"next_check_at": now.Add(checkDelay(r.CheckAttempts + 1))}).Error; err != nil {
			return err
		}
	}
	return nil
}
