package billing

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Refund returns part or all of a succeeded payment. The amount is checked and reserved under the
// payment's row lock before the provider is asked, so concurrent refunds can never exceed what was
// paid; a refund the provider refuses releases its reservation.
func (s *Service) Refund(ctx context.Context, paymentID string, amountMinor int64, reason string) (*Refund, error) {
	r := &Refund{ID: newID("ref_", 12), PaymentID: paymentID, AmountMinor: amountMinor, Status: "pending"}
	var p *Payment
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = s.lock(tx, paymentID); err != nil {
			return err
		}
		if p.Status != StatusSucceeded && p.Status != StatusPartiallyRefunded {
			return fmt.Errorf("%w: payment is %s", ErrIllegalTransition, p.Status)
		}
		if amountMinor <= 0 || p.RefundedMinor+amountMinor > p.PaidMinor {
			return ErrRefundExceedsPaid
		}
		now := s.clock.Now()
		r.MemberID, r.CreatedAt, r.UpdatedAt = p.MemberID, now, now
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return s.bookRefund(ctx, tx, p, amountMinor, "Возврат "+formatRub(amountMinor)+": "+reason)
	})
	if err != nil {
		return nil, err
	}
	prov, ok := s.provider(p.Provider)
	if !ok {
		return r, ErrProviderNotConfigured
	}
	ref, perr := prov.Refund(ctx, RefundRequest{RefundID: r.ID, PaymentID: p.ID, Ref: p.ProviderRef,
		Amount: minorToDecimal(amountMinor), Description: reason})
	switch {
	case errors.Is(perr, ErrUnknownOutcome):
		return r, perr // stays pending with its reservation; the refund id makes a retry safe
	case perr != nil:
		return r, s.releaseRefund(ctx, r, perr)
	}
	r.Status, r.ProviderRef = "succeeded", ref
	return r, s.db.WithContext(ctx).Model(r).Updates(map[string]any{"status": r.Status, "provider_ref": ref,
		"updated_at": s.clock.Now()}).Error
}

// bookRefund moves the refunded money on the payment and the payable.
func (s *Service) bookRefund(ctx context.Context, tx *gorm.DB, p *Payment, amountMinor int64, note string) error {
	refunded := p.RefundedMinor + amountMinor
	status := StatusPartiallyRefunded
	switch {
	case refunded == p.PaidMinor:
		status = StatusRefunded
	case refunded == 0:
		status = StatusSucceeded
	}
	if err := tx.Model(&Payment{}).Where("id = ?", p.ID).Updates(map[string]any{"refunded_minor": refunded,
		"status": status, "updated_at": s.clock.Now()}).Error; err != nil {
		return err
	}
	if amountMinor > 0 {
		return s.payables.ApplyRefund(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, amountMinor, note)
	}
	return s.payables.ApplyPaid(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, -amountMinor, note)
}

// releaseRefund undoes the reservation of a refund the provider refused.
func (s *Service) releaseRefund(ctx context.Context, r *Refund, cause error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.lock(tx, r.PaymentID)
		if err != nil {
			return err
		}
		if err := tx.Model(&Refund{}).Where("id = ?", r.ID).Updates(map[string]any{"status": "failed",
			"last_error": cause.Error(), "updated_at": s.clock.Now()}).Error; err != nil {
			return err
		}
		return s.bookRefund(ctx, tx, p, -r.AmountMinor, "Возврат отклонён: "+cause.Error())
	})
	r.Status = "failed"
	return errors.Join(cause, err)
}
