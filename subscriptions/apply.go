package subscriptions

import (
	"context"
	"time"

	"gorm.io/gorm"

	"b24pay/schedules"
)

// apply records the gateway's answer about a charge's current attempt. It is idempotent: an
// answer for a charge that is already settled, or for an older attempt, changes nothing.
func (s *Service) apply(ctx context.Context, asked Charge, res PayResult) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub, err := s.locked(tx, asked.SubscriptionID)
		if err != nil {
			return err
		}
		var c Charge
		if err := tx.Where("id = ?", asked.ID).Take(&c).Error; err != nil { // read under the lock
			return err
		}
		if c.Attempt != asked.Attempt {
			return nil // the answer is about an attempt that is over
		}
		if c.Status != ChargePending && c.Status != ChargeUnknown {
			return nil
		}
		now := s.clock.Now()
		if res.Ref != "" {
			c.ProviderRef = res.Ref
		}
		switch res.Status {
		case ChargeSucceeded:
			return s.succeed(tx, &sub, &c, res, now)
		case ChargeFailed, ChargeDeclined:
			return s.fail(tx, &sub, &c, res, now)
		}
		if c.Status == ChargeUnknown {
			if err := c.moveTo(ChargePending); err != nil {
				return err
			}
		}
		c.PayURL = res.ConfirmURL
		return saveCharge(tx, &c, now)
	})
}

// succeed settles a paid charge and moves the subscription on to its next period, counted from
// the anchor.
func (s *Service) succeed(tx *gorm.DB, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	if err := c.moveTo(ChargeSucceeded); err != nil {
		return err
	}
	c.SettledAt, c.NextAttemptOn, c.DeclineReason = &now, "", ""
	if err := saveCharge(tx, c, now); err != nil {
		return err
	}
	if res.MethodID != "" { // a customer-initiated payment saved a (new) card; the old one is dropped
		sub.PaymentMethodID, sub.CardTitle = res.MethodID, res.Card
	}
	sub.PaidCount++
	sub.PaidMinor += c.AmountMinor
	sub.DunningStep = 0
	if c.Seq >= sub.Seq {
		sub.Seq = c.Seq + 1
	}
	sub.NextChargeOn = sub.PeriodStart(sub.Seq).String()
	next := StatusActive
	if sub.Status == StatusPaused { // a period that started before a planned pause
		next = StatusPaused
	}
	if sub.finishedAfter(sub.Seq) {
		next, sub.EndedAt = StatusEnded, &now
	}
	if sub.Status != next {
		if err := sub.moveTo(next); err != nil {
			return err
		}
	}
	if err := save(tx, sub, now); err != nil {
		return err
	}
	return s.announce(tx, *sub, *c, eventPaid, now)
}

// fail records a refused charge. The first payment just waits for the client to try again; a
// periodic charge enters dunning: retries on the configured days after the period start, none
// after a hard decline, and at the end the subscription is suspended or cancelled.
func (s *Service) fail(tx *gorm.DB, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	if err := c.moveTo(res.Status); err != nil {
		return err
	}
	c.DeclineReason, c.NextAttemptOn = res.Reason, ""
	if sub.Status == StatusAwaitingConsent {
		return saveCharge(tx, c, now)
	}
	sub.DunningStep = c.Attempt
	start := sub.PeriodStart(c.Seq)
	retry, more := s.retryDate(start, sub.DunningStep, s.today(now))
	if res.Status == ChargeDeclined {
		more = false
	}
	if sub.Status == StatusActive || sub.Status == StatusPaused {
		if err := sub.moveTo(StatusPastDue); err != nil {
			return err
		}
	}
	if more {
		c.NextAttemptOn = retry.String()
		sub.NextChargeOn = retry.String()
	} else {
		// No automatic retry; the client may still pay with a new card until the schedule's end.
		sub.NextChargeOn = s.graceEnd(start, s.today(now)).String()
	}
	if err := saveCharge(tx, c, now); err != nil {
		return err
	}
	if !more && !s.today(now).Before(schedulesDate(sub.NextChargeOn)) {
		return s.finishDunning(tx, sub, c, now)
	}
	if err := save(tx, sub, now); err != nil {
		return err
	}
	return s.announce(tx, *sub, *c, eventFailed, now)
}

// retryDate is when attempt step+1 runs: the step-th dunning offset from the period start, never
// before tomorrow. more is false when the schedule is used up.
func (s *Service) retryDate(start schedules.Date, step int, today schedules.Date) (schedules.Date, bool) {
	if step > len(s.cfg.Dunning) {
		return schedules.Date{}, false
	}
	d := start.AddDays(s.cfg.Dunning[step-1])
	if !d.After(today) {
		d = today.AddDays(1)
	}
	return d, true
}

// graceEnd is the last day of the dunning schedule of a period (not before today).
func (s *Service) graceEnd(start, today schedules.Date) schedules.Date {
	end := start
	if n := len(s.cfg.Dunning); n > 0 {
		end = start.AddDays(s.cfg.Dunning[n-1])
	}
	if end.Before(today) {
		return today
	}
	return end
}

// finishDunning ends the schedule: the subscription is suspended (the debt stays payable with a
// new card) or cancelled (the charge is void), as configured.
func (s *Service) finishDunning(tx *gorm.DB, sub *Subscription, c *Charge, now time.Time) error {
	if s.cfg.AfterDunning == AfterDunningCancel {
		return s.cancelNow(tx, sub, now)
	}
	if err := sub.moveTo(StatusSuspended); err != nil {
		return err
	}
	if err := save(tx, sub, now); err != nil {
		return err
	}
	return s.announce(tx, *sub, *c, eventSuspended, now)
}

// cancelNow cancels the subscription, voids an unpaid charge of the current period and tells the
// client and Bitrix24.
func (s *Service) cancelNow(tx *gorm.DB, sub *Subscription, now time.Time) error {
	if err := sub.moveTo(StatusCancelled); err != nil {
		return err
	}
	sub.EndedAt = &now
	if err := save(tx, sub, now); err != nil {
		return err
	}
	// failed → void and declined → void are legal moves of the charge state machine.
	err := tx.Model(&Charge{}).Where("subscription_id = ? AND status IN ?", sub.ID, []string{ChargeFailed, ChargeDeclined}).
		Updates(map[string]any{"status": ChargeVoid, "next_attempt_on": "", "updated_at": now}).Error
	if err != nil {
		return err
	}
	return s.announce(tx, *sub, Charge{}, eventCancelled, now)
}

func schedulesDate(iso string) schedules.Date {
	d, _ := schedules.ParseDate(iso)
	return d
}
