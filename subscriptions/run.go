package subscriptions

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
	"b24pay/store"
)

// Report says what one pass did.
type Report struct {
	Claimed int64 // subscriptions worked on
	Errors  int64 // of which ended in an error (logged; the next pass tries again)
}

// job is one claimed subscription's way through a pass: the charge the gateway is asked about
// (nil when nothing is to be asked), its answer, and what went wrong.
type job struct {
	sub  Subscription
	c    *Charge
	res  PayResult
	err  error
	lost bool // the gateway's answer was lost: err is ErrOutcomeUnknown and the charge becomes unknown
}

// passLanes is how many claimed batches one pass works on at once: while one lane waits for the
// gateway or the database, the others work (each keeps up to Workers gateway requests in flight).
// On SQLite the lanes take turns on its single connection.
const passLanes = 4

// RunDue processes every subscription due by now: looks up charges whose outcome is unknown,
// charges periods that started, retries declined charges on their dunning day, ends dunning and
// finished pauses, cancels at period end, then sends the upcoming-charge e-mails. Safe to run
// twice, after missed ticks, and on several replicas at once: subscriptions are claimed with a
// lease, and a charge is unique per period.
//
// A claimed batch costs two transactions whatever its size: one claims it and opens its charges,
// then the gateway is asked (Workers requests at a time), then one records the answers with the
// e-mails and Bitrix24 messages they cause (in the outbox's bulk lane). A crash between the two
// leaves the charges pending; once the lease runs out, the next pass asks again under the same
// idempotency keys. A database error ends the pass.
func (s *Service) RunDue(ctx context.Context, now time.Time) (Report, error) {
	routes := s.billedRoutes()
	if len(routes) == 0 {
		return Report{}, nil // no route with a gateway: nothing is billed by this pass
	}
	p := &pass{now: now, routes: routes}
	var wg sync.WaitGroup
	for range passLanes {
		wg.Go(func() {
			for !p.over(ctx) {
				jobs, err := s.open(ctx, p)
				if err == nil && len(jobs) > 0 {
					s.callAll(ctx, jobs)
					err = s.settle(ctx, jobs, outbox.LaneBulk)
				}
				p.record(ctx, s.log, jobs, err)
			}
		})
	}
	wg.Wait()
	if p.err != nil || ctx.Err() != nil {
		return p.rep, cmp.Or(p.err, ctx.Err())
	}
	return p.rep, s.remindUpcoming(ctx, now)
}

// pass is what the lanes of one RunDue share.
type pass struct {
	now    time.Time
	routes []string // the routes billed: those with a gateway
	mu     sync.Mutex
	after  int64 // the next claim takes ids above this
	done   bool  // nothing more is due, or a lane failed
	rep    Report
	err    error
}

func (p *pass) over(ctx context.Context) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done || ctx.Err() != nil
}

// record counts a lane's batch. The leases are not released: they run out by themselves, so a
// subscription that is still due (an unknown outcome) is looked at again after them, not at once.
func (p *pass) record(ctx context.Context, log *slog.Logger, jobs []*job, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil || len(jobs) == 0 {
		p.done = true
		p.err = cmp.Or(p.err, err)
	}
	p.rep.Claimed += int64(len(jobs))
	for _, j := range jobs {
		if j.err != nil && !j.lost {
			p.rep.Errors++
			log.WarnContext(ctx, "subscription billing failed", "subscription_id", j.sub.ID, "error", j.err.Error())
		}
	}
}

// open claims the pass's next batch of up to Batch due subscriptions and, in the same
// transaction, decides what each needs and writes it: new periods' charges, dunning retries, the
// end of dunning or of a pause, cancellation at period end.
func (s *Service) open(ctx context.Context, p *pass) ([]*job, error) {
	now := p.now
	var jobs []*job
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		subs, err := s.claimNext(tx, p)
		if err != nil || len(subs) == 0 {
			return err
		}
		ids := make([]string, len(subs))
		for i, sub := range subs {
			ids[i] = chargeID(sub.ID, sub.Seq)
		}
		current, err := chargesByID(tx, ids)
		if err != nil {
			return err
		}
		invoices, err := openInvoiceCharges(tx, subs)
		if err != nil {
			return err
		}
		w := writes{lane: outbox.LaneBulk}
		lease := now.Add(s.cfg.Lease)
		jobs = make([]*job, len(subs))
		for i := range subs {
			j := &job{sub: subs[i]}
			jobs[i] = j
			j.sub.LeaseUntil = &lease
			w.lease(&j.sub)
			var one writes
			if j.c, j.err = s.plan(&one, &j.sub, current[ids[i]], invoices[j.sub.ID], now); j.err == nil {
				w.merge(&one)
			}
		}
		if err := w.flush(tx, now); err != nil {
			return err
		}
		stored := make(map[string]Charge, len(w.inserts)) // a new charge may have existed: ask about that one
		for _, c := range w.inserts {
			stored[c.ID] = c
		}
		for _, j := range jobs {
			if j.c == nil {
				continue
			}
			if c, ok := stored[j.c.ID]; ok {
				*j.c = c
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// claimNext claims the pass's next batch, above the last one claimed: the lanes take
// consecutive ranges.
func (s *Service) claimNext(tx *gorm.DB, p *pass) ([]Subscription, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	subs, err := s.claim(tx, p.now, p.after, p.routes)
	if len(subs) > 0 {
		p.after = subs[len(subs)-1].ID
	}
	return subs, err
}

// claim reads up to Batch due, unleased subscriptions with ids above after, in id order, for the
// caller to lease in the same transaction. On PostgreSQL the rows are locked with SKIP LOCKED, so
// concurrent passes take disjoint sets.
func (s *Service) claim(tx *gorm.DB, now time.Time, after int64, routes []string) ([]Subscription, error) {
	lock := ""
	if s.db.Dialect == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `SELECT * FROM subscriptions
	      WHERE status IN ('active', 'past_due', 'paused') AND route IN ? AND next_charge_on <= ?
	        AND id > ? AND (lease_until IS NULL OR lease_until < ?)
	      ORDER BY id LIMIT ?` + lock
	var subs []Subscription
	err := tx.Raw(q, routes, s.today(now).String(), after, now, s.cfg.Batch).Scan(&subs).Error
	return subs, err
}

// plan decides what a claimed subscription needs, given the charge of its current period (nil
// when there is none) or, on the invoice route, its open charges, and records the writes. It
// returns the charge to ask the gateway about.
func (s *Service) plan(w *writes, sub *Subscription, current *Charge, invoices []Charge, now time.Time) (*Charge, error) {
	var c *Charge
	var err error
	if sub.Route == RouteInvoicebox {
		c, err = s.planInvoice(w, sub, invoices, now)
	} else if current != nil && current.Status != ChargeSucceeded && current.Status != ChargeVoid {
		c, err = s.followUp(w, sub, current, now)
	} else {
		c, err = s.nextCharge(w, sub, now)
	}
	if c != nil && c.AttemptedAt == nil { // a retry: its key is first sent right after the commit
		c.AttemptedAt = &now
		w.saveCharge(c, now)
	}
	return c, err
}

// followUp continues the open charge of the current period: a lookup of a pending or unknown
// attempt first, a dunning retry on its day, or the end of dunning.
func (s *Service) followUp(w *writes, sub *Subscription, c *Charge, now time.Time) (*Charge, error) {
	today := s.today(now).String()
	switch {
	case c.Status == ChargePending || c.Status == ChargeUnknown:
		// A customer-initiated attempt whose payment was never created (a crash in ReplaceCard) is
		// created now: it only waits for the client and expires if they never come, which moves
		// dunning on.
		return c, nil
	case c.NextAttemptOn != "" && c.NextAttemptOn <= today:
		if err := c.retry(sub.Route, false); err != nil { // after a refused switch of route too: the old route charges
			return nil, err
		}
		w.saveCharge(c, now)
		return c, nil
	case c.NextAttemptOn == "" && sub.Status == StatusPastDue && sub.NextChargeOn <= today:
		return nil, s.finishDunning(w, sub, c, now)
	}
	return nil, nil
}

// nextCharge moves the subscription to the period due today and opens its charge. Periods that
// started while paused are skipped, and a subscription months behind is billed for the current
// period only: no surprise charge of many periods at once.
func (s *Service) nextCharge(w *writes, sub *Subscription, now time.Time) (*Charge, error) {
	today := s.today(now)
	if sub.Status == StatusPaused && sub.PauseUntil < today.String() {
		if err := s.resume(w, sub, sub.PauseUntil); err != nil {
			return nil, err
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
		return nil, nil
	case sub.PeriodStart(sub.Seq).After(today):
		w.save(sub, now)
		return nil, nil
	case sub.CancelAtPeriodEnd:
		return nil, s.cancelNow(w, sub, now)
	case sub.finishedAfter(sub.Seq):
		sub.EndedAt = &now
		if err := sub.moveTo(StatusEnded); err != nil {
			return nil, err
		}
		w.save(sub, now)
		return nil, nil
	}
	c := newCharge(*sub, sub.Seq, KindRecurring, now)
	if err := sub.withinConsent(c.AmountMinor); err != nil {
		return nil, err
	}
	w.save(sub, now)
	w.inserts = append(w.inserts, c)
	return &c, nil
}

// callAll asks the gateway about the jobs' charges, Workers requests at a time.
func (s *Service) callAll(ctx context.Context, jobs []*job) {
	work := make(chan *job)
	var wg sync.WaitGroup
	for range min(s.cfg.Workers, len(jobs)) {
		wg.Go(func() {
			for j := range work {
				s.call(ctx, j)
			}
		})
	}
	for _, j := range jobs {
		if j.c != nil && j.err == nil {
			work <- j
		}
	}
	close(work)
	wg.Wait()
}
