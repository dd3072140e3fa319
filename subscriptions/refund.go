package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/schedules"
	"b24pay/store"
)

// Refund statuses: pending until the gateway has returned the money or refused.
const (
	RefundPending   = "pending"
	RefundSucceeded = "succeeded"
	RefundFailed    = "failed"
)

// refundMoves is the refund state machine; anything not listed is illegal.
var refundMoves = map[string][]string{RefundPending: {RefundSucceeded, RefundFailed}}

// Shown statuses of a charge that money went back for (the charge's own status stays succeeded:
// what was returned is its refunded amount).
const (
	ShownPartiallyRefunded = "partially_refunded"
	ShownRefunded          = "refunded"
)

// ErrRefundExceedsPaid: a refund above what was paid for the charge minus its earlier refunds.
var ErrRefundExceedsPaid = errors.New("subscriptions: refund exceeds what is left of the charge")

// refundGrace is how long a refund may stay pending before a check asks the gateway again: it
// covers a crash between the reservation and the gateway call.
const refundGrace = 2 * time.Minute

// Refund is one return of money of a succeeded charge; its id is the gateway's idempotency key.
type Refund struct {
	ID             string
	ChargeID       string
	SubscriptionID int64
	MemberID       string
	AmountMinor    int64
	Currency       string
	Status         string
	ProviderRef    string
	Reason         string
	LastError      string
	ManagerID      int64
	CheckAttempts  int
	NextCheckAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
}

// TableName maps Refund to its table.
func (Refund) TableName() string { return "subscription_refunds" }

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

// RefundCharge returns part or all of a succeeded charge. The amount is checked and reserved
// under the charge's row lock before the gateway is asked, so concurrent refunds never exceed what
// was paid; a refusal releases the reservation. A lost answer leaves the refund pending with its
// reservation: CheckRefunds asks again with the same refund id, which the gateway treats as the
// same refund. The caller's cancellation does not stop a refund once reserved.
func (s *Service) RefundCharge(ctx context.Context, in RefundInput) (Refund, error) {
	ctx = context.WithoutCancel(ctx)
	r, err := s.reserveRefund(ctx, in)
	if err != nil {
		return r, err
	}
	return s.sendRefund(ctx, r)
}

// reserveRefund stores a pending refund and adds its amount to the charge's refunded amount.
func (s *Service) reserveRefund(ctx context.Context, in RefundInput) (Refund, error) {
	now := s.clock.Now()
	check := now.Add(refundGrace)
	r := Refund{ID: "sr-" + randomToken()[:20], ChargeID: chargeID(in.SubscriptionID, in.Seq), SubscriptionID: in.SubscriptionID,
		MemberID: in.MemberID, Status: RefundPending, Reason: in.Reason, ManagerID: in.ManagerID,
		NextCheckAt: &check, CreatedAt: now, UpdatedAt: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.lockedCharge(tx, r.ChargeID)
		if err != nil {
			return err
		}
		if c.MemberID != in.MemberID {
			return ErrNotFound
		}
		if c.Status != ChargeSucceeded {
			return fmt.Errorf("%w: charge %s is %s", ErrIllegalTransition, c.ID, c.Status)
		}
		if c.Route == RouteInvoicebox { // paid by bank transfer: no gateway refund exists for it here
			return fmt.Errorf("%w: charge %s was paid by invoice", ErrConflict, c.ID)
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
		r.AmountMinor, r.Currency = minor(in.Amount, cur), c.Currency
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		return bookRefund(tx, c, r.AmountMinor)
	})
	if err != nil {
		return Refund{}, err
	}
	return r, nil
}

// sendRefund asks the charge's gateway for a pending refund and records its answer.
func (s *Service) sendRefund(ctx context.Context, r Refund) (Refund, error) {
	var c Charge
	if err := s.db.WithContext(ctx).Where("id = ?", r.ChargeID).Take(&c).Error; err != nil {
		return r, err
	}
	sub, err := s.Get(ctx, r.MemberID, r.SubscriptionID)
	if err != nil {
		return r, err
	}
	g, ok := s.gateway(c.Route).(Refunder) // the route the charge was paid on, even after a change of route
	if !ok {
		return r, ErrRouteUnavailable // stays pending; a check sends it when the route is back
	}
	res, err := g.Refund(ctx, r.ID, RefundRequest{ChargeRef: c.ProviderRef, Ref: r.ProviderRef,
		Amount: major(r.AmountMinor, r.Currency), Currency: r.Currency, Description: r.Reason})
	if err != nil {
		return r, fmt.Errorf("%w: %w", ErrGatewayUnavailable, err)
	}
	return s.recordRefund(ctx, sub, r.ID, res)
}

// recordRefund stores the gateway's answer about a refund: done, refused (the reservation is
// released) or still pending (its reference is kept for the next check).
func (s *Service) recordRefund(ctx context.Context, sub Subscription, id string, res RefundResult) (Refund, error) {
	var r Refund
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c *Charge
		var err error
		if err = tx.Where("id = ?", id).Take(&r).Error; err != nil { // for its charge's id
			return err
		}
		if c, err = s.lockedCharge(tx, r.ChargeID); err != nil {
			return err
		}
		if err = tx.Where("id = ?", id).Take(&r).Error; err != nil || r.Status != RefundPending { // as of the lock
			return err // settled by a concurrent check
		}
		fields := map[string]any{"provider_ref": res.Ref}
		switch res.Status {
		case RefundSucceeded:
			fields["next_check_at"] = nil
			if err := s.moveRefund(tx, &r, RefundSucceeded, fields); err != nil {
				return err
			}
			return s.announceRefund(tx, sub, *c, r)
		case RefundFailed:
			fields["next_check_at"], fields["last_error"] = nil, res.Reason
			if err := s.moveRefund(tx, &r, RefundFailed, fields); err != nil {
				return err
			}
			return bookRefund(tx, c, -r.AmountMinor)
		}
		return tx.Model(&Refund{}).Where("id = ?", r.ID).Updates(fields).Error
	})
	if err != nil {
		return r, err
	}
	return r, s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error // as stored
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

// moveRefund is the only place a refund's status is written: the move is checked against the
// refund state machine, under the charge's lock, and only a row still in its old status changes.
func (s *Service) moveRefund(tx *gorm.DB, r *Refund, to string, fields map[string]any) error {
	if !canMove(refundMoves, r.Status, to) {
		return fmt.Errorf("%w: refund %s %s → %s", ErrIllegalTransition, r.ID, r.Status, to)
	}
	updates := map[string]any{"status": to, "updated_at": s.clock.Now()}
	for k, v := range fields {
		updates[k] = v
	}
	res := tx.Model(&Refund{}).Where("id = ? AND status = ?", r.ID, r.Status).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("%w: refund %s changed under its lock", ErrConflict, r.ID)
	}
	r.Status = to
	return nil
}

// CheckRefunds asks the gateway again about refunds still pending whose check is due (a lost
// answer, a crash before the gateway call, a refund the gateway is still processing). Safe to run
// twice or on two replicas: the refund id makes a repeat the same refund.
func (s *Service) CheckRefunds(ctx context.Context, now time.Time) (int, error) {
	var due []Refund
	err := s.db.WithContext(ctx).Where("status = ? AND next_check_at IS NOT NULL AND next_check_at <= ?", RefundPending, now).
		Order("next_check_at").Limit(200).Find(&due).Error
	if err != nil {
		return 0, err
	}
	done := 0
	for _, r := range due {
		got, err := s.sendRefund(ctx, r)
		if err != nil {
			s.log.Warn("subscriptions: a refund check did not finish", "refund", r.ID, "err", err)
		}
		if got.Status != RefundPending {
			done++
			continue
		}
		next := now.Add(time.Duration(min(r.CheckAttempts+1, 48)) * 5 * time.Minute)
		if err := s.db.WithContext(ctx).Model(&Refund{}).Where("id = ? AND status = ?", r.ID, RefundPending).
			Updates(map[string]any{"check_attempts": r.CheckAttempts + 1, "next_check_at": next}).Error; err != nil {
			return done, err
		}
	}
	return done, nil
}

// Refunds lists the refunds of a subscription's charges, oldest first.
func (s *Service) Refunds(ctx context.Context, subID int64) ([]Refund, error) {
	var out []Refund
	err := s.db.WithContext(ctx).Where("subscription_id = ?", subID).Order("created_at, id").Find(&out).Error
	return out, err
}
