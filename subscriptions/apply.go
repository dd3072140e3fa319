package subscriptions

import (
	"context"
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
	"b24pay/schedules"
)

// settle records the gateway's answers about the jobs' charges in one transaction, with the
// e-mails and Bitrix24 messages they cause (in the given outbox lane). A lost answer makes a
// pending charge unknown. A job whose answer cannot be applied gets the error.
func (s *Service) settle(ctx context.Context, jobs []*job, lane outbox.Lane) error {
	var todo []*job
	var subIDs []int64
	var chargeIDs []string
	for _, j := range jobs {
		if j.c != nil && (j.err == nil || j.lost) {
			todo = append(todo, j)
			subIDs = append(subIDs, j.sub.ID)
			chargeIDs = append(chargeIDs, j.c.ID)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		locked, err := s.lockedAll(tx, subIDs)
		if err != nil {
			return err
		}
		subs := make(map[int64]Subscription, len(locked))
		for _, sub := range locked {
			subs[sub.ID] = sub
		}
		charges, err := chargesByID(tx, chargeIDs) // read under the locks
		if err != nil {
			return err
		}
		now := s.clock.Now()
		w := writes{lane: lane}
		for _, j := range todo {
			sub, c := subs[j.sub.ID], charges[j.c.ID]
			if sub.ID == 0 || c == nil {
				j.err, j.lost = ErrNotFound, false
				continue
			}
			var one writes
			if j.lost {
				err = markUnknown(&one, c, j.c.Attempt, now)
			} else {
				err = s.apply(&one, &sub, c, j.c.Attempt, j.res, now)
			}
			if err != nil {
				j.err, j.lost = err, false
				continue
			}
			w.merge(&one)
		}
		return w.flush(tx, now)
	})
}

// apply records the gateway's answer about attempt of charge c. It is idempotent: an answer for
// a charge that is already settled, or for an older attempt, changes nothing.
func (s *Service) apply(w *writes, sub *Subscription, c *Charge, attempt int, res PayResult, now time.Time) error {
	if c.Attempt != attempt {
		return nil // the answer is about an attempt that is over
	}
	if c.Status != ChargePending && c.Status != ChargeUnknown {
		return nil
	}
	if res.Ref != "" {
		c.ProviderRef = res.Ref
	}
	if sub.Route == RouteInvoicebox {
		return s.applyInvoice(w, sub, c, res, now)
	}
	switch res.Status {
	case ChargeSucceeded:
		return s.succeed(w, sub, c, res, now)
	case ChargeFailed, ChargeDeclined:
		return s.fail(w, sub, c, res, now)
	}
	if c.Status == ChargeUnknown {
		if err := c.moveTo(ChargePending); err != nil {
			return err
		}
	}
	c.PayURL = res.ConfirmURL
	w.saveCharge(c, now)
	return nil
}

// markUnknown records that the answer about attempt of a pending charge was lost.
func markUnknown(w *writes, c *Charge, attempt int, now time.Time) error {
	if c.Attempt != attempt || c.Status != ChargePending {
		return nil // answered or retried meanwhile, or already unknown
	}
	if err := c.moveTo(ChargeUnknown); err != nil {
		return err
	}
	w.saveCharge(c, now)
	return nil
}

// succeed settles a paid charge and moves the subscription on to its next period, counted from
// the anchor.
func (s *Service) succeed(w *writes, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	if err := c.moveTo(ChargeSucceeded); err != nil {
		return err
	}
	c.SettledAt, c.NextAttemptOn, c.DeclineReason, c.PaidMinor = &now, "", "", c.AmountMinor
	w.saveCharge(c, now)
	if sub.Status == StatusCancelled || sub.Status == StatusEnded {
		// The client paid a charge started before the subscription ended (a new card, a switch of
		// route): the money is booked and shown, the subscription stays ended and keeps its method;
		// the manager decides about a refund.
		sub.PaidCount++
		sub.PaidMinor += c.AmountMinor
		w.save(sub, now)
		s.announce(w, *sub, *c, eventPaid)
		return nil
	}
	switched := res.MethodID != "" && c.Route != sub.Route
	if res.MethodID != "" { // a customer-initiated payment saved a (new) method; the old one is dropped
		// and, on a switch of route, the subscription is paid on the charge's route from now on
		sub.PaymentMethodID, sub.CardTitle, sub.Route = res.MethodID, res.Card, c.Route
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
	w.save(sub, now)
	s.announce(w, *sub, *c, eventPaid)
	if switched {
		s.announce(w, *sub, *c, eventRouteChanged)
	}
	return nil
}

// fail records a refused charge. The first payment just waits for the client to try again; a
// periodic charge enters dunning: retries on the configured days after the period start, none
// after a hard decline, and at the end the subscription is suspended or cancelled. A refused
// switch of route changes nothing else: no dunning, and the subscription's own route charges the
// period on the day it kept in NextAttemptOn (its start, or the dunning retry it was waiting for).
func (s *Service) fail(w *writes, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	if err := c.moveTo(res.Status); err != nil {
		return err
	}
	c.DeclineReason = res.Reason
	if sub.Status == StatusAwaitingConsent || c.Route != sub.Route {
		w.saveCharge(c, now)
		return nil
	}
	c.NextAttemptOn = ""
	sub.DunningStep++
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
	w.saveCharge(c, now)
	if !more && !s.today(now).Before(schedulesDate(sub.NextChargeOn)) {
		return s.finishDunning(w, sub, c, now)
	}
	w.save(sub, now)
	s.announce(w, *sub, *c, eventFailed)
	return nil
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
func (s *Service) finishDunning(w *writes, sub *Subscription, c *Charge, now time.Time) error {
	if s.cfg.AfterDunning == AfterDunningCancel {
		return s.cancelNow(w, sub, now)
	}
	if err := sub.moveTo(StatusSuspended); err != nil {
		return err
	}
	w.save(sub, now)
	s.announce(w, *sub, *c, eventSuspended)
	return nil
}

// cancelNow cancels the subscription, voids an unpaid charge of the current period and tells the
// client and Bitrix24.
func (s *Service) cancelNow(w *writes, sub *Subscription, now time.Time) error {
	if err := sub.moveTo(StatusCancelled); err != nil {
		return err
	}
	sub.EndedAt = &now
	w.save(sub, now)
	w.voidRefused(sub.ID)
	if sub.Route == RouteInvoicebox {
		withdrawInvoices(w, *sub)
	}
	s.announce(w, *sub, Charge{}, eventCancelled)
	return nil
}

func schedulesDate(iso string) schedules.Date {
	d, _ := schedules.ParseDate(iso)
	return d
}
