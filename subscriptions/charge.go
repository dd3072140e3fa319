package subscriptions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
)

// keyLifetime is how long the gateway honours an idempotency key (YooKassa: 24 h, §c.2). An
// unknown charge older than this is never re-sent under its key, since the gateway would treat it
// as new; it waits for a person (it is logged on every pass).
const keyLifetime = 23 * time.Hour

// newCharge is the charge of period seq as first stored: pending, first attempt, its key about to
// be sent.
func newCharge(sub Subscription, seq int, kind string, now time.Time) Charge {
	return Charge{ID: chargeID(sub.ID, seq), SubscriptionID: sub.ID, MemberID: sub.MemberID, Kind: kind, Seq: seq,
		PeriodStart: sub.PeriodStart(seq).String(), AmountMinor: sub.amountFor(seq), Currency: sub.Currency,
		Status: ChargePending, Attempt: 1, CustomerInitiated: kind == KindFirst, Route: sub.Route, AttemptedAt: &now,
		CreatedAt: now, UpdatedAt: now}
}

// openCharge inserts the charge of period seq unless it exists (the unique index decides) and
// returns the stored row. A charge above the consented amount is refused.
func openCharge(tx *gorm.DB, sub Subscription, seq int, kind string, now time.Time) (Charge, error) {
	c := newCharge(sub, seq, kind, now)
	if err := sub.withinConsent(c.AmountMinor); err != nil {
		return Charge{}, err
	}
	cs, err := insertCharges(tx, []Charge{c})
	if err != nil {
		return Charge{}, err
	}
	return cs[0], nil
}

// retry starts a new attempt of a refused charge on route: a new idempotency key.
func (c *Charge) retry(route string, customer bool) error {
	if err := c.moveTo(ChargePending); err != nil {
		return err
	}
	c.Attempt++
	c.CustomerInitiated, c.Route = customer, route
	c.ProviderRef, c.PayURL, c.DeclineReason, c.NextAttemptOn, c.AttemptedAt, c.ReturnURL = "", "", "", "", nil, ""
	return nil
}

// retryCharge starts and stores a new attempt of a refused charge on the subscription's route;
// a customer-initiated one sends the client back to returnURL ("" for the subscription's page).
func (s *Service) retryCharge(tx *gorm.DB, c *Charge, sub Subscription, customer bool, returnURL string, now time.Time) error {
	if err := c.retry(sub.Route, customer); err != nil {
		return err
	}
	c.ReturnURL = returnURL
	var w writes
	w.saveCharge(c, now)
	return w.flush(tx, now)
}

// attempt asks the gateway about the charge's current attempt: a GET when the payment is known,
// else a create under the attempt's key (a repeat returns the original payment). The outcome is
// applied before returning.
func (s *Service) attempt(ctx context.Context, sub Subscription, c Charge) (PayResult, error) {
	if c.AttemptedAt == nil { // a retry: mark when its key is first sent (a new charge has it from its insert)
		now := s.clock.Now()
		c.AttemptedAt = &now
		if err := s.db.WithContext(ctx).Model(&Charge{}).Where("id = ? AND attempt = ?", c.ID, c.Attempt).
			Update("attempted_at", now).Error; err != nil {
			return PayResult{}, err
		}
	}
	j := &job{sub: sub, c: &c}
	s.call(ctx, j)
	if err := s.settle(ctx, []*job{j}, outbox.LaneInteractive); err != nil {
		return PayResult{}, err
	}
	if j.lost {
		return PayResult{}, fmt.Errorf("%w: %w", ErrGatewayUnavailable, j.err)
	}
	return j.res, j.err
}

// call asks the gateway about the job's charge. An unknown charge older than the key's lifetime
// is never re-sent under its key, since the gateway would treat it as new.
func (s *Service) call(ctx context.Context, j *job) {
	c := j.c
	// (Billing looks an invoice up by our id whatever its age.)
	if j.sub.Route != RouteInvoicebox && c.ProviderRef == "" && c.AttemptedAt != nil && s.clock.Now().Sub(*c.AttemptedAt) > keyLifetime {
		s.log.ErrorContext(ctx, "subscription charge outcome unknown past the key lifetime; check it by hand",
			"charge_id", c.ID, "subscription_id", j.sub.ID)
		j.err = fmt.Errorf("%w: charge %s", ErrOutcomeUnknown, c.ID)
		return
	}
	j.res, j.err = s.ask(ctx, j.sub, *c)
	if errors.Is(j.err, ErrOutcomeUnknown) {
		s.log.WarnContext(ctx, "subscription charge outcome unknown", "charge_id", c.ID, "error", j.err.Error())
		j.lost = true
	}
}

func (s *Service) ask(ctx context.Context, sub Subscription, c Charge) (PayResult, error) {
	gw := s.gateway(c.Route)
	if gw == nil {
		return PayResult{}, fmt.Errorf("%w: route %s", ErrRouteUnavailable, c.Route)
	}
	if c.Route != sub.Route && !c.CustomerInitiated { // the saved method belongs to the subscription's route
		return PayResult{}, fmt.Errorf("%w: charge %s on route %s debits no method of route %s", ErrConflict, c.ID, c.Route, sub.Route)
	}
	if c.ProviderRef != "" {
		return gw.Get(ctx, c.ProviderRef)
	}
	if err := sub.withinConsent(c.AmountMinor); err != nil {
		return PayResult{}, err
	}
	req := PayRequest{Amount: major(c.AmountMinor, c.Currency), Currency: c.Currency,
		Description: chargeDescription(sub, c),
		Metadata:    map[string]string{"subscription_id": strconv.FormatInt(sub.ID, 10), "charge_id": c.ID}}
	if c.CustomerInitiated {
		req.ReturnURL = cmp.Or(c.ReturnURL, s.ReturnURL(sub))
	} else {
		req.MethodID = sub.PaymentMethodID
	}
	return gw.Pay(ctx, c.key(), req)
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
	if s.gateway(c.Route) == nil || c.ProviderRef == "" && c.CustomerInitiated && c.Status == ChargePending {
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
