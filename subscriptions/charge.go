package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// keyLifetime is how long the gateway honours an idempotency key (YooKassa: 24 h, §c.2). An
// unknown charge older than this is never re-sent under its key, since the gateway would treat it
// as new; it waits for a person (it is logged on every pass).
const keyLifetime = 23 * time.Hour

// openCharge inserts the charge of period seq unless it exists (the unique index decides) and
// returns the stored row.
func (s *Service) openCharge(tx *gorm.DB, sub Subscription, seq int, kind string, now time.Time) (Charge, error) {
	c := Charge{ID: chargeID(sub.ID, seq), SubscriptionID: sub.ID, MemberID: sub.MemberID, Kind: kind, Seq: seq,
		PeriodStart: sub.PeriodStart(seq).String(), AmountMinor: sub.amountFor(seq), Currency: sub.Currency,
		Status: ChargePending, Attempt: 1, CustomerInitiated: kind == KindFirst, AttemptedAt: &now,
		CreatedAt: now, UpdatedAt: now}
	if err := sub.withinConsent(c.AmountMinor); err != nil {
		return Charge{}, err
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&c)
	if res.Error != nil || res.RowsAffected == 1 {
		return c, res.Error
	}
	var stored Charge
	err := tx.Where("subscription_id = ? AND period_start = ?", sub.ID, c.PeriodStart).Take(&stored).Error
	return stored, err
}

// retryCharge starts a new attempt of a failed charge: a new idempotency key.
func (s *Service) retryCharge(tx *gorm.DB, c *Charge, customer bool, now time.Time) error {
	if err := c.moveTo(ChargePending); err != nil {
		return err
	}
	c.Attempt++
	c.CustomerInitiated = customer
	c.ProviderRef, c.PayURL, c.DeclineReason, c.NextAttemptOn, c.AttemptedAt = "", "", "", "", nil
	return saveCharge(tx, c, now)
}

// attempt asks the gateway about the charge's current attempt: a GET when the payment is known,
// else a create under the attempt's key (a repeat returns the original payment). The outcome is
// applied before returning.
func (s *Service) attempt(ctx context.Context, sub Subscription, c Charge) (PayResult, error) {
	now := s.clock.Now()
	if c.ProviderRef == "" && c.AttemptedAt != nil && now.Sub(*c.AttemptedAt) > keyLifetime {
		s.log.ErrorContext(ctx, "subscription charge outcome unknown past the key lifetime; check it by hand",
			"charge_id", c.ID, "subscription_id", sub.ID)
		return PayResult{}, fmt.Errorf("%w: charge %s", ErrOutcomeUnknown, c.ID)
	}
	if c.AttemptedAt == nil { // a retry: mark when its key is first sent (a new charge has it from its insert)
		c.AttemptedAt = &now
		if err := s.db.WithContext(ctx).Model(&Charge{}).Where("id = ? AND attempt = ?", c.ID, c.Attempt).
			Update("attempted_at", now).Error; err != nil {
			return PayResult{}, err
		}
	}
	res, err := s.ask(ctx, sub, c)
	if errors.Is(err, ErrOutcomeUnknown) {
		s.log.WarnContext(ctx, "subscription charge outcome unknown", "charge_id", c.ID, "error", err.Error())
		if mErr := s.markUnknown(ctx, c); mErr != nil {
			return PayResult{}, mErr
		}
		return PayResult{}, fmt.Errorf("%w: %w", ErrGatewayUnavailable, err)
	}
	if err != nil {
		return PayResult{}, err
	}
	return res, s.apply(ctx, c, res)
}

func (s *Service) ask(ctx context.Context, sub Subscription, c Charge) (PayResult, error) {
	gw := s.gateway(sub.Route)
	if gw == nil {
		return PayResult{}, fmt.Errorf("%w: route %s", ErrRouteUnavailable, sub.Route)
	}
	if c.ProviderRef != "" {
		return gw.Get(ctx, c.ProviderRef)
	}
	if err := sub.withinConsent(c.AmountMinor); err != nil {
		return PayResult{}, err
	}
	req := PayRequest{Amount: major(c.AmountMinor, c.Currency), Currency: c.Currency,
		Description: fmt.Sprintf("%s, период с %s", sub.Title, ruDate(c.PeriodStart)),
		Metadata:    map[string]string{"subscription_id": strconv.FormatInt(sub.ID, 10), "charge_id": c.ID}}
	if c.CustomerInitiated {
		req.ReturnURL = s.ReturnURL(sub)
	} else {
		req.MethodID = sub.PaymentMethodID
	}
	return gw.Pay(ctx, c.key(), req)
}

func (s *Service) markUnknown(ctx context.Context, c Charge) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur Charge
		if err := tx.Where("id = ?", c.ID).Take(&cur).Error; err != nil {
			return err
		}
		if cur.Status == ChargeUnknown || cur.Attempt != c.Attempt {
			return nil
		}
		if err := cur.moveTo(ChargeUnknown); err != nil {
			return err
		}
		return saveCharge(tx, &cur, s.clock.Now())
	})
}

// Refresh reads the charge's payment back from the gateway and applies it (return page, webhook).
func (s *Service) Refresh(ctx context.Context, chargeID string) (Charge, error) {
	var c Charge
	if err := s.db.WithContext(ctx).Where("id = ?", chargeID).Take(&c).Error; err != nil {
		return Charge{}, notFound(err)
	}
	if c.Status != ChargePending && c.Status != ChargeUnknown {
		return c, nil
	}
	sub, err := s.Get(ctx, c.MemberID, c.SubscriptionID)
	if err != nil {
		return Charge{}, err
	}
	if s.gateway(sub.Route) == nil || c.ProviderRef == "" && c.CustomerInitiated && c.Status == ChargePending {
		return c, nil // the client has not been sent to pay yet
	}
	if _, err := s.attempt(ctx, sub, c); err != nil {
		return Charge{}, err
	}
	err = s.db.WithContext(ctx).Where("id = ?", chargeID).Take(&c).Error
	return c, err
}

// ChargeByRef finds the charge a provider payment belongs to.
func (s *Service) ChargeByRef(ctx context.Context, ref string) (Charge, error) {
	var c Charge
	err := s.db.WithContext(ctx).Where("provider_ref = ?", ref).Take(&c).Error
	return c, notFound(err)
}

// OpenCharge is the id of the subscription's charge that waits for the client's payment on the
// gateway's page, or "".
func (s *Service) OpenCharge(ctx context.Context, sub Subscription) string {
	var c Charge
	err := s.db.WithContext(ctx).Where("id = ? AND status IN ? AND customer_initiated AND provider_ref <> ''",
		chargeID(sub.ID, sub.Seq), []string{ChargePending, ChargeUnknown}).Take(&c).Error
	if err != nil {
		return ""
	}
	return c.ID
}
