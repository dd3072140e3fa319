package billing

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Collected is money a payable's owner collected without billing (a subscription's charge
// debited by its own gateway) that billing is to refund, recorded as a succeeded payment of
// Provider whose ProviderRef is Ref.
type Collected struct {
	MemberID      string
	Kind          string
	ID            int64
	Provider      string
	Ref           string
	AmountMinor   int64
	RefundedMinor int64 // refunded (or reserved) before billing took the payment over
	Currency      string
	Description   string
	PaidAt        time.Time
}

// RecordCollected returns the payment of a payable paid without billing, inserting it in tx the
// first time. The caller holds the payable's row lock in tx, so concurrent first refunds make one
// row (a unique index on such payable kinds backs it). Nothing else happens on the payment path:
// the row exists only once something is refunded.
func (s *Service) RecordCollected(ctx context.Context, tx *gorm.DB, c Collected) (*Payment, error) {
	var p Payment
	err := tx.WithContext(ctx).Where("payable_kind = ? AND payable_id = ?", c.Kind, c.ID).Take(&p).Error
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return &p, err
	}
	now, paid := s.clock.Now(), c.PaidAt
	p = Payment{ID: newID("pay_", 12), MemberID: c.MemberID, PayableKind: c.Kind, PayableID: c.ID, Provider: c.Provider,
		ProviderRef: c.Ref, AmountMinor: c.AmountMinor, Currency: c.Currency, PaidMinor: c.AmountMinor,
		RefundedMinor: c.RefundedMinor, Status: refundedStatus(c.AmountMinor, c.RefundedMinor), Description: c.Description,
		PayToken: newID("", 24), CreatedAt: now, UpdatedAt: now, SettledAt: &paid}
	return &p, tx.WithContext(ctx).Create(&p).Error
}

// refundedStatus is the status of a paid payment with refunded of paid returned (or reserved).
func refundedStatus(paid, refunded int64) string {
	switch {
	case refunded >= paid:
		return StatusRefunded
	case refunded == 0:
		return StatusSucceeded
	}
	return StatusPartiallyRefunded
}
