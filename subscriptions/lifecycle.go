package subscriptions

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// change runs fn on the locked subscription of the portal and stores what it records.
func (s *Service) change(ctx context.Context, memberID string, id int64, fn func(tx *gorm.DB, w *writes, sub *Subscription) error) (Subscription, error) {
	var sub Subscription
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if sub, err = s.locked(tx, id); err != nil {
			return err
		}
		if sub.MemberID != memberID {
			return ErrNotFound
		}
		var w writes
		if err := fn(tx, &w, &sub); err != nil {
			return err
		}
		return w.flush(tx, s.clock.Now())
	})
	return sub, err
}

// Pause stops billing from in.From to in.Until inclusive. A period that starts in the pause is
// not billed, neither during the pause nor after it (no back-billing); the anchor stays, so the
// period after the pause starts on its usual date.
func (s *Service) Pause(ctx context.Context, in PauseInput) (Subscription, error) {
	if err := in.Validate(); err != nil {
		return Subscription{}, err
	}
	if in.Until < s.today(s.clock.Now()).String() {
		return Subscription{}, fieldErr("until", "пауза уже закончилась")
	}
	return s.change(ctx, in.MemberID, in.ID, func(_ *gorm.DB, w *writes, sub *Subscription) error {
		if err := sub.moveTo(StatusPaused); err != nil {
			return err
		}
		sub.PauseFrom, sub.PauseUntil = in.From, in.Until
		w.save(sub, s.clock.Now())
		s.announce(w, *sub, Charge{}, eventPaused)
		return nil
	})
}

// Resume ends a pause today. The next charge is the first period starting today or later,
// counted from the anchor.
func (s *Service) Resume(ctx context.Context, memberID string, id int64) (Subscription, error) {
	return s.change(ctx, memberID, id, func(_ *gorm.DB, w *writes, sub *Subscription) error {
		if err := s.resume(w, sub, s.today(s.clock.Now()).AddDays(-1).String()); err != nil {
			return err
		}
		s.announce(w, *sub, Charge{}, eventResumed)
		return nil
	})
}

// resume makes a paused subscription active with the pause ending on until, skipping every
// period that started up to then.
func (s *Service) resume(w *writes, sub *Subscription, until string) error {
	if err := sub.moveTo(StatusActive); err != nil {
		return err
	}
	if until < sub.PauseUntil {
		sub.PauseUntil = until
	}
	for sub.PeriodStart(sub.Seq).String() <= sub.PauseUntil && sub.PeriodStart(sub.Seq).String() >= sub.PauseFrom {
		sub.Seq++
	}
	sub.NextChargeOn = sub.PeriodStart(sub.Seq).String()
	if sub.finishedAfter(sub.Seq) {
		if err := sub.moveTo(StatusEnded); err != nil {
			return err
		}
		now := s.clock.Now()
		sub.EndedAt = &now
	}
	w.save(sub, s.clock.Now())
	return nil
}

// Cancel cancels now, or at the end of the paid period (nothing more is charged; the
// subscription is cancelled when the next period would start).
func (s *Service) Cancel(ctx context.Context, memberID string, id int64, atPeriodEnd bool) (Subscription, error) {
	return s.change(ctx, memberID, id, func(_ *gorm.DB, w *writes, sub *Subscription) error {
		now := s.clock.Now()
		if atPeriodEnd && (sub.Status == StatusActive || sub.Status == StatusPaused) {
			sub.CancelAtPeriodEnd = true
			w.save(sub, now)
			return nil
		}
		return s.cancelNow(w, sub, now)
	})
}

// ReplaceCard starts a customer-initiated payment of the unpaid period with a new card (after a
// decline or during dunning); on success the new card replaces the old one and the subscription
// is active again. It returns the gateway's payment page, from which the client comes back to
// returnURL ("" for the subscription's page).
func (s *Service) ReplaceCard(ctx context.Context, token, returnURL string) (string, error) {
	sub, err := s.ByToken(ctx, token)
	if err != nil {
		return "", err
	}
	if sub.Status != StatusPastDue && sub.Status != StatusSuspended {
		return "", fmt.Errorf("%w: nothing is owed on subscription %d", ErrConflict, sub.ID)
	}
	if sub.Route == RouteInvoicebox { // no card: an overdue invoice is issued again by the pass
		return "", fmt.Errorf("%w: subscription %d is paid by invoice", ErrConflict, sub.ID)
	}
	if err := s.checkRoute(sub.Route, sub.Currency); err != nil {
		return "", err
	}
	var c Charge
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", chargeID(sub.ID, sub.Seq)).Take(&c).Error; err != nil {
			return notFound(err)
		}
		switch {
		case c.Status == ChargePending && c.CustomerInitiated && c.Route == sub.Route:
			return nil // the client reopened the page: same payment
		case c.Status == ChargePending || c.Status == ChargeUnknown: // a charge or a switch of route in flight
			return fmt.Errorf("%w: charge %s is %s on route %s", ErrConflict, c.ID, c.Status, c.Route)
		}
		return s.retryCharge(tx, &c, sub, true, returnURL, s.clock.Now())
	})
	if err != nil {
		return "", err
	}
	return s.confirmURL(ctx, sub, c)
}

// confirmURL asks the gateway about a customer-initiated attempt and returns its payment page.
func (s *Service) confirmURL(ctx context.Context, sub Subscription, c Charge) (string, error) {
	res, err := s.attempt(ctx, sub, c)
	if err != nil {
		return "", err
	}
	if res.ConfirmURL == "" {
		return "", fmt.Errorf("%w: payment %s is %s", ErrConflict, c.ID, res.Status)
	}
	return res.ConfirmURL, nil
}

// CancelByToken is the client's own cancellation from the link in their e-mails: an active
// subscription ends with the paid period, any other one at once.
func (s *Service) CancelByToken(ctx context.Context, token string) (Subscription, error) {
	sub, err := s.ByToken(ctx, token)
	if err != nil {
		return sub, err
	}
	return s.Cancel(ctx, sub.MemberID, sub.ID, sub.Status == StatusActive)
}
