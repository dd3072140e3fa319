package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// A client moves a subscription to another payment route (card ↔ SBP, or any other route with a
// gateway) by paying, on the new route, the charge of the next period early — or the owed one when
// the subscription is past due or suspended. That charge is the period's unique row, so the period
// is still paid once. Paid, it saves the new method, and in the same transaction the subscription
// moves to the new route and forgets the old method. The providers offer no merchant-side way to
// revoke a saved card (YooKassa) or an SBP account binding (Raiffeisen's sbp_subscriptions.yml has
// no such method; only the payer unsubscribes in their bank's app), so the old one is simply never
// debited again. Refused or expired, the switch changes nothing: the old route charges the period
// on its day, with no dunning for the refusal. While the switch waits for the client, a billing
// pass only looks the switch payment up: the old method is never debited for that period.

// SwitchRouteInput is the client's request to pay a subscription by another route from now on.
type SwitchRouteInput struct {
	MemberID  string
	ID        int64
	Route     string
	Agreed    bool // the consent checkbox for the new route
	IP        string
	UserAgent string
	ReturnURL string // where the gateway sends the client back; "" for the subscription's page
}

// Validate checks that the client consented and named a route.
func (in SwitchRouteInput) Validate() error {
	if in.Route == "" {
		return fieldErr("route", "выберите новый способ оплаты")
	}
	if !in.Agreed {
		return fmt.Errorf("%w: %w", ErrConsentMissing,
			&FieldError{Field: "consent", Message: "подтвердите согласие на списания новым способом"})
	}
	return nil
}

// RouteSwitch is what a switch of route costs now: the period paid early on the new route.
type RouteSwitch struct {
	Routes      []string // the routes the subscription may move to, in the service's order
	Seq         int      // the period paid on the new route
	PeriodStart string   // YYYY-MM-DD
	AmountMinor int64
}

// SwitchOffer says whether sub may move to another route now and what that costs: an active
// subscription with a period still to charge pays the next one early, a past-due or suspended one
// pays what it owes. Only routes with a gateway that takes the subscription's currency are offered.
func (s *Service) SwitchOffer(sub Subscription) (RouteSwitch, bool) {
	switch {
	case sub.Route == RouteInvoicebox: // invoices save no payment method to switch to or from
		return RouteSwitch{}, false
	case sub.Status == StatusActive && !sub.CancelAtPeriodEnd && !sub.finishedAfter(sub.Seq):
	case sub.Status == StatusPastDue, sub.Status == StatusSuspended:
	default:
		return RouteSwitch{}, false
	}
	o := RouteSwitch{Seq: sub.Seq, PeriodStart: sub.PeriodStart(sub.Seq).String(), AmountMinor: sub.amountFor(sub.Seq)}
	for _, r := range s.billedRoutes() {
		if r != sub.Route && r != RouteInvoicebox && s.checkRoute(r, sub.Currency) == nil {
			o.Routes = append(o.Routes, r)
		}
	}
	return o, len(o.Routes) > 0
}

// SwitchRoute records the client's consent to the new route and starts the customer-initiated
// payment of the switch; it returns the gateway's payment page. Asked again while that payment
// waits (a double submit, a reload) it returns the same payment.
func (s *Service) SwitchRoute(ctx context.Context, in SwitchRouteInput) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	var c Charge
	sub, err := s.change(ctx, in.MemberID, in.ID, func(tx *gorm.DB, w *writes, sub *Subscription) error {
		offer, ok := s.SwitchOffer(*sub)
		if !ok || !slices.Contains(offer.Routes, in.Route) {
			if err := s.checkRoute(in.Route, sub.Currency); err != nil {
				return err
			}
			return fmt.Errorf("%w: subscription %d cannot move to route %s now", ErrConflict, sub.ID, in.Route)
		}
		var fresh bool
		var err error
		if c, fresh, err = s.openSwitch(tx, w, *sub, offer.Seq, in); err != nil || !fresh {
			return err
		}
		terms := s.Terms(*sub)
		terms.Route = in.Route
		return tx.Create(s.consent(*sub, terms, in.IP, in.UserAgent)).Error
	})
	if err != nil {
		return "", err
	}
	return s.confirmURL(ctx, sub, c)
}

// openSwitch makes the charge of period seq the switch payment on in.Route: a new row, or a new
// attempt of a refused one (keeping the day the old route would charge it). A switch payment on
// the same route that waits for the client is returned as it is (fresh is false). Any other state —
// paid, or an attempt in flight on the old route — is a conflict: the period is charged once.
// The subscription's row is locked by the caller, so no billing pass opens the period meanwhile;
// a new attempt is recorded in w.
func (s *Service) openSwitch(tx *gorm.DB, w *writes, sub Subscription, seq int, in SwitchRouteInput) (Charge, bool, error) {
	now := s.clock.Now()
	var c Charge
	err := tx.Where("id = ?", chargeID(sub.ID, seq)).Take(&c).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		c = newCharge(sub, seq, KindRecurring, now)
		c.Route, c.CustomerInitiated, c.ReturnURL = in.Route, true, in.ReturnURL
		c.NextAttemptOn = c.PeriodStart // if the switch is refused, the old route charges the period on its start
		if err := sub.withinConsent(c.AmountMinor); err != nil {
			return Charge{}, false, err
		}
		return c, true, tx.Create(&c).Error
	case err != nil:
		return Charge{}, false, err
	case (c.Status == ChargePending || c.Status == ChargeUnknown) && c.CustomerInitiated && c.Route == in.Route:
		return c, false, nil
	case c.Status == ChargeFailed || c.Status == ChargeDeclined:
		retryOn := c.NextAttemptOn
		if err := c.retry(in.Route, true); err != nil {
			return Charge{}, false, err
		}
		c.NextAttemptOn, c.ReturnURL = retryOn, in.ReturnURL
		w.saveCharge(&c, now)
		return c, true, nil
	}
	return Charge{}, false, fmt.Errorf("%w: the charge of period %d is %s on route %s", ErrConflict, seq, c.Status, c.Route)
}
