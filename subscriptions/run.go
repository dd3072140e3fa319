package subscriptions

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"b24pay/store"
)

// Report says what one pass did.
type Report struct {
	Claimed int64 // subscriptions worked on
	Errors  int64 // of which ended in an error (logged; the next pass tries again)
}

// RunDue processes every subscription due by now: looks up charges whose outcome is unknown,
// charges periods that started, retries declined charges on their dunning day, ends dunning and
// finished pauses, cancels at period end, then sends the upcoming-charge e-mails. Safe to run
// twice, after missed ticks, and on several replicas at once: subscriptions are claimed with a
// lease, and a charge is unique per period.
func (s *Service) RunDue(ctx context.Context, now time.Time) (Report, error) {
	var rep Report
	routes := s.billedRoutes()
	if len(routes) == 0 {
		return rep, nil // no route with a gateway: nothing is billed by this pass
	}
	today := s.today(now).String()
	var after int64
	for ctx.Err() == nil {
		batch, err := s.claim(ctx, now, today, after, routes)
		if err != nil {
			return rep, err
		}
		if len(batch) == 0 {
			return rep, s.remindUpcoming(ctx, now)
		}
		after = batch[len(batch)-1].ID
		s.work(ctx, batch, now, &rep)
	}
	return rep, ctx.Err()
}

// claim leases up to Batch due subscriptions with ids above after. On PostgreSQL the rows are
// locked with SKIP LOCKED while the lease is written, so concurrent passes take disjoint sets.
func (s *Service) claim(ctx context.Context, now time.Time, today string, after int64, routes []string) ([]Subscription, error) {
	lock := ""
	if s.db.Dialect == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE subscriptions SET lease_until = ?
	      WHERE id IN (SELECT id FROM subscriptions
	                   WHERE status IN ('active', 'past_due', 'paused') AND route IN ? AND next_charge_on <= ?
	                     AND id > ? AND (lease_until IS NULL OR lease_until < ?)
	                   ORDER BY id LIMIT ?` + lock + `)
	      RETURNING *`
	var subs []Subscription
	err := s.db.WithContext(ctx).Raw(q, now.Add(s.cfg.Lease), routes, today, after, now, s.cfg.Batch).Scan(&subs).Error
	sort.Slice(subs, func(i, j int) bool { return subs[i].ID < subs[j].ID })
	return subs, err
}

func (s *Service) work(ctx context.Context, batch []Subscription, now time.Time, rep *Report) {
	jobs := make(chan Subscription)
	var wg sync.WaitGroup
	for range min(s.cfg.Workers, len(batch)) {
		wg.Go(func() {
			for sub := range jobs {
				atomic.AddInt64(&rep.Claimed, 1)
				// The lease is not released: it runs out by itself, so a subscription that is
				// still due (an unknown outcome) is looked at again after it, not at once.
				if err := s.process(ctx, sub, now); err != nil {
					atomic.AddInt64(&rep.Errors, 1)
					s.log.WarnContext(ctx, "subscription billing failed", "subscription_id", sub.ID, "error", err.Error())
				}
			}
		})
	}
	for _, sub := range batch {
		jobs <- sub
	}
	close(jobs)
	wg.Wait()
}

// process does what is due for one claimed subscription.
func (s *Service) process(ctx context.Context, sub Subscription, now time.Time) error {
	var c Charge
	err := s.db.WithContext(ctx).Where("id = ?", chargeID(sub.ID, sub.Seq)).Take(&c).Error
	if err == nil && c.Status != ChargeSucceeded && c.Status != ChargeVoid {
		return s.followUp(ctx, sub, c, now)
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	c, due, err := s.nextCharge(ctx, sub.ID, now)
	if err != nil || !due {
		return err
	}
	_, err = s.attempt(ctx, sub, c)
	return ignoreUnknown(err)
}

// followUp continues the open charge of the current period: a lookup of a pending or unknown
// attempt first, a dunning retry on its day, or the end of dunning.
func (s *Service) followUp(ctx context.Context, sub Subscription, c Charge, now time.Time) error {
	today := s.today(now).String()
	switch {
	case c.Status == ChargePending || c.Status == ChargeUnknown:
		// A customer-initiated attempt whose payment was never created (a crash in ReplaceCard) is
		// created now: it only waits for the client and expires if they never come, which moves
		// dunning on.
		_, err := s.attempt(ctx, sub, c)
		return ignoreUnknown(err)
	case c.NextAttemptOn != "" && c.NextAttemptOn <= today:
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.retryCharge(tx, &c, false, now) })
		if err != nil {
			return err
		}
		_, err = s.attempt(ctx, sub, c)
		return ignoreUnknown(err)
	case c.NextAttemptOn == "" && sub.Status == StatusPastDue && sub.NextChargeOn <= today:
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			locked, err := s.locked(tx, sub.ID)
			if err != nil || locked.Status != StatusPastDue {
				return err
			}
			return s.finishDunning(tx, &locked, &c, now)
		})
	}
	return nil
}

// nextCharge moves the subscription to the period due today and opens its charge. Periods that
// started while paused are skipped, and a subscription months behind is billed for the current
// period only: no surprise charge of many periods at once.
func (s *Service) nextCharge(ctx context.Context, id int64, now time.Time) (Charge, bool, error) {
	today := s.today(now)
	var c Charge
	due := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub, err := s.locked(tx, id)
		if err != nil {
			return err
		}
		if sub.Status == StatusPaused && sub.PauseUntil < today.String() {
			if err := s.resume(tx, &sub, sub.PauseUntil); err != nil {
				return err
			}
		}
		for !sub.PeriodStart(sub.Seq + 1).After(today) {
			sub.Seq++
		}
		for start := sub.PeriodStart(sub.Seq).String(); start >= sub.PauseFrom && start <= sub.PauseUntil; start = sub.PeriodStart(sub.Seq).String() {
			sub.Seq++
		}
		sub.NextChargeOn = sub.PeriodStart(sub.Seq).String()
		switch {
		case sub.Status != StatusActive && sub.Status != StatusPaused:
			return nil
		case sub.PeriodStart(sub.Seq).After(today):
			return save(tx, &sub, now)
		case sub.CancelAtPeriodEnd:
			return s.cancelNow(tx, &sub, now)
		case sub.finishedAfter(sub.Seq):
			sub.EndedAt = &now
			if err := sub.moveTo(StatusEnded); err != nil {
				return err
			}
			return save(tx, &sub, now)
		}
		if err := save(tx, &sub, now); err != nil {
			return err
		}
		c, err = s.openCharge(tx, sub, sub.Seq, KindRecurring, now)
		due = err == nil
		return err
	})
	return c, due, err
}

// ignoreUnknown: an unknown outcome is recorded on the charge and looked up by the next pass.
func ignoreUnknown(err error) error {
	if errors.Is(err, ErrGatewayUnavailable) {
		return nil
	}
	return err
}
