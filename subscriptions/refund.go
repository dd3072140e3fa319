package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/schedules"
	"b24pay/store"
)

// Refunds of charges go through billing's refund path: its state machine, the reservation under
// the payment's row lock, our refund id as the provider's idempotency key, reconciliation of
// pending refunds and the release of a refused one. A charge of the invoice route is a billing
// payment already (InvoiceKind). A card or SBP charge is debited by this service's gateways and
// becomes a billing payment (ChargeKind, provider = the route it was paid on, its ref = the
// charge's) when it is first refunded; the charge run's success path does no billing work.
// Billing hands the refunded money back through ApplyRefund / ReleaseRefund, which keep the
// charge's refunded amount, and RefundSucceeded, which announces the refund.

// ChargeKind is billing's payable kind of a card or SBP charge (refunds only).
const ChargeKind = "subscription_charge"

// Shown statuses of a charge that money went back for (the charge's own status stays succeeded:
// what was returned is its refunded amount).
const (
	ShownPartiallyRefunded = "partially_refunded"
	ShownRefunded          = "refunded"
)

// ErrRefundExceedsPaid: a refund above what was paid for the charge minus its earlier refunds.
var ErrRefundExceedsPaid = errors.New("subscriptions: refund exceeds what is left of the charge")

// chargePayable gives a card or SBP charge its integer payable id in billing.
type chargePayable struct {
	ID        int64
	ChargeID  string
	MemberID  string
	CreatedAt time.Time
}

func (chargePayable) TableName() string { return "subscription_charge_payables" }

// refundProviders is billing's route of a card or SBP charge (the invoice route is billing's own).
var refundProviders = map[string]string{RouteCard: "yookassa", RouteSBP: "sbp"}

// UseRefunds hands refunds of charges to billing; billing's Payables must hand ChargeKind and
// InvoiceKind to this service (Payable, ApplyRefund and the billing.RefundHooks). Call it before
// the service is used.
func (s *Service) UseRefunds(payments *billing.Service) { s.refunds = payments }

// Shown is the charge's status as people see it: refunded or partially refunded once money went
// back (pending refunds included: their amount is reserved).
func (c Charge) Shown() string {
	switch {
	case c.Status != ChargeSucceeded || c.RefundedMinor == 0:
		return c.Status
	case c.RefundedMinor >= c.AmountMinor:
		return ShownRefunded
	}
	return ShownPartiallyRefunded
}

// Refundable is what may still be returned of the charge (zero unless it succeeded).
func (c Charge) Refundable() decimal.Decimal {
	if c.Status != ChargeSucceeded {
		return decimal.Zero
	}
	return major(c.AmountMinor-c.RefundedMinor, c.Currency)
}

// RefundInput is a manager's refund of a charge of a subscription of the portal.
type RefundInput struct {
	MemberID       string
	SubscriptionID int64
	Seq            int // the charge's period
	Amount         decimal.Decimal
	Reason         string
	ManagerID      int64
}

// RefundCharge returns part or all of a succeeded charge through billing, on the route the charge
// was paid on (after a change of route too). The input is checked against the charge under its
// row lock, where the charge's billing payment is found or made; billing then reserves the amount
// under the payment's lock and asks the provider. The refund comes back pending (reserved) when
// the provider's answer was lost or the refund is still in progress, failed (released) when the
// provider refused. The caller's cancellation does not stop a refund once asked for.
func (s *Service) RefundCharge(ctx context.Context, in RefundInput) (*billing.Refund, error) {
	ctx = context.WithoutCancel(ctx)
	if s.refunds == nil {
		return nil, ErrRouteUnavailable
	}
	var paymentID string
	var amount int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.lockedCharge(tx, chargeID(in.SubscriptionID, in.Seq))
		if err != nil {
			return err
		}
		if c.MemberID != in.MemberID {
			return ErrNotFound
		}
		if c.Status != ChargeSucceeded {
			return fmt.Errorf("%w: charge %s is %s", ErrIllegalTransition, c.ID, c.Status)
		}
		cur, err := schedules.LookupCurrency(c.Currency)
		if err != nil {
			return err
		}
		if !in.Amount.IsPositive() || !in.Amount.Equal(in.Amount.Truncate(int32(cur.Minor))) {
			return fieldErr("amount", "Укажите сумму возврата больше нуля, не точнее копейки")
		}
		if left := c.Refundable(); in.Amount.GreaterThan(left) { // compared before any conversion: no overflow
			return fmt.Errorf("%w: left %s", ErrRefundExceedsPaid, Human(c.AmountMinor-c.RefundedMinor, c.Currency))
		}
		amount = minor(in.Amount, cur)
		paymentID, err = s.chargePayment(ctx, tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	r, err := s.refunds.RefundBy(ctx, paymentID, amount, in.Reason, in.ManagerID)
	if errors.Is(err, billing.ErrRefundExceedsPaid) || errors.Is(err, billing.ErrIllegalTransition) {
		// concurrent refunds took it meanwhile (all of it: the payment is refunded)
		err = fmt.Errorf("%w: %w", ErrRefundExceedsPaid, err)
	}
	return r, err
}

// chargePayment is the id of the billing payment that holds the charge's money: the paid invoice
// of an invoice-route charge, or the charge's own payment, recorded on its first refund. tx holds
// the charge's row lock, so concurrent first refunds record one.
func (s *Service) chargePayment(ctx context.Context, tx *gorm.DB, c *Charge) (string, error) {
	if c.Route == RouteInvoicebox {
		var p billing.Payment
		err := tx.Where("payable_kind = ? AND payable_id IN (?) AND status IN ?", InvoiceKind,
			tx.Model(&invoiceRow{}).Select("id").Where("charge_id = ?", c.ID),
			[]string{billing.StatusSucceeded, billing.StatusPartiallyRefunded, billing.StatusRefunded}).
			Order("created_at DESC").Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", fmt.Errorf("%w: charge %s has no paid invoice", ErrConflict, c.ID)
		}
		return p.ID, err
	}
	row := chargePayable{ChargeID: c.ID, MemberID: c.MemberID, CreatedAt: s.clock.Now()}
	err := tx.Where("charge_id = ?", c.ID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = tx.Create(&row).Error
	}
	if err != nil {
		return "", err
	}
	var sub Subscription
	if err := tx.Where("id = ?", c.SubscriptionID).Take(&sub).Error; err != nil {
		return "", notFound(err)
	}
	paid := c.UpdatedAt
	if c.SettledAt != nil {
		paid = *c.SettledAt
	}
	p, err := s.refunds.RecordCollected(ctx, tx, billing.Collected{MemberID: c.MemberID, Kind: ChargeKind, ID: row.ID,
		Provider: refundProviders[c.Route], Ref: c.ProviderRef, AmountMinor: c.AmountMinor, RefundedMinor: c.RefundedMinor,
		Currency: c.Currency, Description: chargeDescription(sub, *c), PaidAt: paid})
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// chargePayableOf describes a card or SBP charge to billing: paid by its own gateway, it owes
// nothing (billing only refunds it).
func chargePayableOf(db *gorm.DB, memberID string, id int64) (billing.Payable, error) {
	c, err := payableCharge(db, memberID, id)
	if err != nil {
		return billing.Payable{}, err
	}
	return billing.Payable{MemberID: memberID, Kind: ChargeKind, ID: id, Currency: c.Currency}, nil
}

// payableCharge is the charge behind a ChargeKind payable id of the portal.
func payableCharge(db *gorm.DB, memberID string, id int64) (Charge, error) {
	var row chargePayable
	var c Charge
	if err := db.Where("id = ? AND member_id = ?", id, memberID).Take(&row).Error; err != nil {
		return c, notFound(err)
	}
	return c, notFound(db.Where("id = ?", row.ChargeID).Take(&c).Error)
}

// ApplyRefund reserves refunded money on the charge (billing's transaction, before the provider
// is asked).
func (s *Service) ApplyRefund(_ context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, _ string) error {
	c, err := s.refundedCharge(tx, memberID, kind, id)
	if err != nil {
		return err
	}
	return bookRefund(tx, c, amountMinor)
}

// ReleaseRefund gives back the reservation of a refund the provider refused.
func (s *Service) ReleaseRefund(_ context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, _ string) error {
	c, err := s.refundedCharge(tx, memberID, kind, id)
	if err != nil {
		return err
	}
	return bookRefund(tx, c, -amountMinor)
}

// RefundSucceeded announces, in the refund's transaction, that the provider returned the money.
func (s *Service) RefundSucceeded(_ context.Context, tx *gorm.DB, memberID, kind string, id int64, r billing.Refund) error {
	c, err := s.refundedCharge(tx, memberID, kind, id)
	if err != nil {
		return err
	}
	var sub Subscription
	if err := tx.Where("id = ?", c.SubscriptionID).Take(&sub).Error; err != nil {
		return notFound(err)
	}
	return s.announceRefund(tx, sub, *c, r)
}

// refundedCharge is the charge behind a billing payable, read under its row lock.
func (s *Service) refundedCharge(tx *gorm.DB, memberID, kind string, id int64) (*Charge, error) {
	if kind == ChargeKind {
		c, err := payableCharge(tx, memberID, id)
		if err != nil {
			return nil, err
		}
		return s.lockedCharge(tx, c.ID)
	}
	inv, err := invoiceOf(tx, memberID, kind, id)
	if err != nil {
		return nil, err
	}
	return s.lockedCharge(tx, inv.ChargeID)
}

// bookRefund moves a charge's refunded amount (a negative amount releases a reservation).
func bookRefund(tx *gorm.DB, c *Charge, amountMinor int64) error {
	c.RefundedMinor += amountMinor
	return tx.Model(&Charge{}).Where("id = ?", c.ID).Update("refunded_minor", c.RefundedMinor).Error
}

// lockedCharge reads a charge inside tx, locking its row on PostgreSQL (SQLite has one writer).
func (s *Service) lockedCharge(tx *gorm.DB, id string) (*Charge, error) {
	lock := ""
	if s.db.Dialect == store.Postgres {
		lock = " FOR UPDATE"
	}
	var c Charge
	if err := tx.Raw("SELECT * FROM subscription_charges WHERE id = ?"+lock, id).Scan(&c).Error; err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, ErrNotFound
	}
	return &c, nil
}
