package subscriptions

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
)

// openInvoiceCharges reads the unsettled charges (pending, unknown, failed) of the claimed
// subscriptions on the invoice route, oldest period first.
func openInvoiceCharges(tx *gorm.DB, subs []Subscription) (map[int64][]Charge, error) {
	var ids []int64
	for _, sub := range subs {
		if sub.Route == RouteInvoicebox {
			ids = append(ids, sub.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var cs []Charge
	err := tx.Where("subscription_id IN ? AND status IN ?", ids, []string{ChargePending, ChargeUnknown, ChargeFailed}).
		Order("subscription_id, seq").Find(&cs).Error
	out := map[int64][]Charge{}
	for _, c := range cs {
		out[c.SubscriptionID] = append(out[c.SubscriptionID], c)
	}
	return out, err
}

// planInvoice decides what a subscription on the invoice route needs, one invoice per pass: the
// period that started is invoiced first (on schedule, whatever else is open); else, oldest period
// first, an invoice whose create answer was lost (or never asked for, after a crash) is asked for
// again, one due for its expiry check is read back, an expired one is issued again on its dunning
// day. Whenever it returns a charge the subscription stays due today, so the next pass looks again
// once the answer is recorded; with nothing to do, the next date is the earliest of the next
// period and the open invoices' checks.
func (s *Service) planInvoice(w *writes, sub *Subscription, open []Charge, now time.Time) (*Charge, error) {
	c, err := s.nextPeriodInvoice(w, sub, now)
	if c != nil || err != nil {
		return c, err
	}
	if sub.Status != StatusActive && sub.Status != StatusPastDue && sub.Status != StatusPaused {
		return nil, nil // ended or cancelled by the terms
	}
	today := s.today(now).String()
	for i := range open {
		c := &open[i]
		switch {
		case c.Status == ChargePending || c.Status == ChargeUnknown:
			if c.PayURL != "" && c.NextAttemptOn > today {
				continue
			}
		case c.NextAttemptOn != "" && c.NextAttemptOn <= today: // failed: issue the invoice again
			if err := c.retry(RouteInvoicebox, false); err != nil {
				return nil, err
			}
			w.saveCharge(c, now)
		default:
			continue
		}
		sub.NextChargeOn = today
		w.save(sub, now)
		return c, nil
	}
	next := sub.PeriodStart(sub.Seq).String()
	for _, c := range open {
		if c.NextAttemptOn != "" && c.NextAttemptOn < next {
			next = c.NextAttemptOn
		}
	}
	sub.NextChargeOn = next
	w.save(sub, now)
	return nil, nil
}

// nextPeriodInvoice opens the charge of the period that started, as nextCharge does for a debit
// (pauses skipped, a subscription months behind invoiced for the current period only, the end and
// a cancellation at period end applied), then moves the subscription on to the next period. An
// unpaid earlier invoice does not hold it back: a past_due subscription is invoiced on schedule.
func (s *Service) nextPeriodInvoice(w *writes, sub *Subscription, now time.Time) (*Charge, error) {
	pastDue := sub.Status == StatusPastDue
	if pastDue {
		sub.Status = StatusActive
	}
	c, err := s.nextCharge(w, sub, now)
	if pastDue && sub.Status == StatusActive {
		sub.Status = StatusPastDue
		w.save(sub, now)
	}
	if c == nil || err != nil {
		return c, err
	}
	sub.Seq = c.Seq + 1
	sub.NextChargeOn = s.today(now).String()
	w.save(sub, now)
	return c, nil
}

// applyInvoice records Invoicebox's answer about a charge's invoice (through billing): issued and
// open, paid, or over unpaid.
func (s *Service) applyInvoice(w *writes, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	switch {
	case res.Status == ChargeSucceeded && c.OwedMinor() == 0:
		return s.succeedInvoice(w, sub, c, now)
	case res.Status == ChargeSucceeded:
		// Billing books an invoice's money through ApplyPaid in the commit that makes it paid, so
		// an open charge here was not paid in full: only the booked money counts. Looked at again
		// tomorrow.
		s.log.Warn("subscription invoice reported paid but not booked in full; the period stays owed",
			"charge_id", c.ID, "paid_minor", c.PaidMinor, "amount_minor", c.AmountMinor)
		c.NextAttemptOn = s.today(now).AddDays(1).String()
		w.saveCharge(c, now)
		return nil
	case res.Status == ChargeFailed || res.Status == ChargeDeclined:
		return s.failInvoice(w, sub, c, res, now)
	}
	if c.Status == ChargeUnknown {
		if err := c.moveTo(ChargePending); err != nil {
			return err
		}
	}
	issued := c.PayURL == "" && res.ConfirmURL != ""
	c.PayURL = res.ConfirmURL
	// Looked at again the day after it expires (not before tomorrow): paid by then, or over.
	check := s.today(now).AddDays(1)
	if !res.Until.IsZero() && s.today(res.Until).AddDays(1).After(check) {
		check = s.today(res.Until).AddDays(1)
	}
	c.NextAttemptOn = check.String()
	w.saveCharge(c, now)
	if issued {
		s.announceInvoice(w, *sub, *c, res.Until)
	}
	return nil
}

// succeedInvoice settles a period paid in full. An overdue one (failed, or issued again) no longer
// counts as overdue; with none left a past_due or suspended subscription is active again, and its
// next period is planned from today (nothing is back-billed). An invoice of the charge issued
// again and still open is withdrawn.
func (s *Service) succeedInvoice(w *writes, sub *Subscription, c *Charge, now time.Time) error {
	overdue := c.Status == ChargeFailed || c.Attempt > 1
	if err := c.moveTo(ChargeSucceeded); err != nil {
		return err
	}
	c.SettledAt, c.NextAttemptOn, c.DeclineReason = &now, "", ""
	w.saveCharge(c, now)
	sub.PaidCount++ // the money is counted in PaidMinor as it is booked (bookInvoiceMoney)
	if overdue && sub.DunningStep > 0 {
		sub.DunningStep--
	}
	if sub.DunningStep == 0 && (sub.Status == StatusPastDue || sub.Status == StatusSuspended) {
		if err := sub.moveTo(StatusActive); err != nil {
			return err
		}
		sub.NextChargeOn = min(sub.NextChargeOn, s.today(now).String())
	}
	w.save(sub, now)
	s.announce(w, *sub, *c, eventPaid)
	withdrawPaidCharge(w, *sub, *c)
	return nil
}

// failInvoice records an invoice that is over unpaid (expired, or cancelled at Invoicebox) or that
// Invoicebox refused. The first time for a charge, the subscription counts one more overdue
// period (DunningStep) and becomes past_due. The invoice is issued again on the dunning days
// counted from today; a refused one is not. When they run out, dunning ends.
func (s *Service) failInvoice(w *writes, sub *Subscription, c *Charge, res PayResult, now time.Time) error {
	if err := c.moveTo(res.Status); err != nil {
		return err
	}
	c.DeclineReason, c.NextAttemptOn = res.Reason, ""
	live := sub.Status == StatusActive || sub.Status == StatusPaused || sub.Status == StatusPastDue
	if !live { // ended, suspended or cancelled meanwhile: nothing more is sent for it
		w.saveCharge(c, now)
		return nil
	}
	if c.Attempt == 1 {
		sub.DunningStep++
	}
	if sub.Status != StatusPastDue {
		if err := sub.moveTo(StatusPastDue); err != nil {
			return err
		}
	}
	today := s.today(now)
	retry, more := s.retryDate(today, c.Attempt, today)
	more = more && res.Status == ChargeFailed
	if more {
		c.NextAttemptOn = retry.String()
		sub.NextChargeOn = min(sub.NextChargeOn, c.NextAttemptOn)
	}
	w.saveCharge(c, now)
	s.announceOverdue(w, *sub, *c)
	if !more {
		return s.finishDunning(w, sub, c, now)
	}
	w.save(sub, now)
	return nil
}

// announceInvoice queues the invoice e-mail (a reminder when it is issued again) and the Bitrix24
// timeline comment, keyed by the attempt so a replay sends nothing twice.
func (s *Service) announceInvoice(w *writes, sub Subscription, c Charge, until time.Time) {
	amount := Human(c.OwedMinor(), c.Currency) // after a part payment, the remainder
	due := ""
	if !until.IsZero() {
		due = until.In(s.cfg.Location).Format("02.01.2006")
	}
	comment := fmt.Sprintf("Выставлен счёт Invoicebox на %s за период с %s, оплатить до %s.", amount,
		schedules.ISODateRU(c.PeriodStart), due)
	l := s.letter(sub, c, mail.SubscriptionInvoice, "invoice:"+c.key())
	l.Data.Amount, l.Data.RetryDate, l.Data.PayURL, l.Data.Reason = amount, due, c.PayURL, ""
	if c.Attempt > 1 {
		comment = "Повторно: " + comment
		l.Data.Reason = "предыдущий счёт за этот период не был оплачен в срок"
	}
	if c.PaidMinor > 0 {
		comment += " Это остаток: " + paidText(c) + "."
		l.Data.Reason = fmt.Sprintf("счёт за этот период оплачен частично (поступило %s из %s), новый счёт — на остаток",
			Human(c.PaidMinor, c.Currency), Human(c.AmountMinor, c.Currency))
	}
	w.enqueue(outbox.Message{Topic: TopicB24Sync, MemberID: sub.MemberID, Key: "b24:invoiced:" + c.key(),
		Payload: B24Sync{SubscriptionID: sub.ID, Event: "invoiced", Comment: comment}})
	if sub.Email != "" {
		w.enqueue(mail.Message(sub.MemberID, *l))
	}
}

// announceOverdue tells Bitrix24 and, the first time for a charge, the responsible manager that
// an invoice is over unpaid, or paid only in part (what is owed is the remainder). The client
// hears from the invoice issued again (or, at the end of dunning, from the suspension or
// cancellation).
func (s *Service) announceOverdue(w *writes, sub Subscription, c Charge) {
	text := fmt.Sprintf("Счёт на %s за период с %s не оплачен в срок.", Human(c.OwedMinor(), c.Currency),
		schedules.ISODateRU(c.PeriodStart))
	if c.DeclineReason == reasonPartlyPaid {
		text = fmt.Sprintf("Счёт за период с %s оплачен частично: %s.", schedules.ISODateRU(c.PeriodStart), paidText(c))
	}
	w.enqueue(outbox.Message{Topic: TopicB24Sync, MemberID: sub.MemberID, Key: "b24:overdue:" + c.key(),
		Payload: B24Sync{SubscriptionID: sub.ID, Event: "overdue", Comment: text}})
	if c.Attempt == 1 && sub.ManagerID > 0 {
		w.enqueue(outbox.Message{Topic: TopicNotifyManager, MemberID: sub.MemberID, Key: "notify:overdue:" + c.ID,
			Payload: ManagerNote{SubscriptionID: sub.ID, ManagerID: sub.ManagerID,
				Message: fmt.Sprintf("Подписка «%s»: %s", sub.Title, text)}})
	}
}

// withdrawJob is the payload of TopicWithdrawInvoices: a cancelled subscription's open invoices,
// or with ChargeID only the open invoice of that charge, paid meanwhile on an earlier one.
type withdrawJob struct {
	SubscriptionID int64  `json:"subscription_id"`
	ChargeID       string `json:"charge_id,omitempty"`
}

// withdrawInvoices queues the withdrawal of a cancelled subscription's open invoices, with the
// cancellation.
func withdrawInvoices(w *writes, sub Subscription) {
	w.enqueue(outbox.Message{Topic: TopicWithdrawInvoices, MemberID: sub.MemberID,
		Key: "withdraw:" + strconv.FormatInt(sub.ID, 10), Payload: withdrawJob{SubscriptionID: sub.ID}})
}

// withdrawPaidCharge queues the withdrawal of a paid charge's invoice that may still be open: one
// issued again for it (after an expiry or a part payment) when the money came on an earlier one.
func withdrawPaidCharge(w *writes, sub Subscription, c Charge) {
	if c.Attempt > 1 {
		w.enqueue(outbox.Message{Topic: TopicWithdrawInvoices, MemberID: sub.MemberID, Key: "withdraw:" + c.ID,
			Payload: withdrawJob{SubscriptionID: sub.ID, ChargeID: c.ID}})
	}
}

// withdrawInvoicesNow cancels the open invoices of a cancelled subscription at Invoicebox (billing
// confirms each cancel, or books money that came first), then makes their charges void; for a
// paid charge, only its own open invoice is cancelled. An invoice that cannot be withdrawn now is
// an error: the outbox tries again.
func (s *Service) withdrawInvoicesNow(ctx context.Context, job outbox.Job) error {
	var p withdrawJob
	if err := job.Decode(&p); err != nil {
		return err
	}
	if s.invoices == nil {
		return outbox.Permanent(fmt.Errorf("%w: invoice route", ErrRouteUnavailable))
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&invoiceRow{}).Where("subscription_id = ? AND member_id = ?", p.SubscriptionID, job.MemberID)
	if p.ChargeID != "" {
		q = q.Where("charge_id = ?", p.ChargeID)
	}
	var ids []int64
	if err := q.Pluck("id", &ids).Error; err != nil {
		return err
	}
	if len(ids) > 0 {
		if err := s.invoices.WithdrawOpen(ctx, job.MemberID, InvoiceKind, ids); err != nil {
			return err
		}
	}
	if p.ChargeID != "" {
		return nil
	}
	return db.Model(&Charge{}).Where("subscription_id = ? AND status IN ?", p.SubscriptionID,
		[]string{ChargePending, ChargeUnknown, ChargeFailed}).
		Updates(map[string]any{"status": ChargeVoid, "next_attempt_on": "", "updated_at": s.clock.Now()}).Error
}

// acceptInvoices records the client's consent to an invoice each period: the subscription is
// active at once (there is no card to save), and the first period's invoice, when that period
// has started, is issued now and its Invoicebox page returned. Otherwise the invoice comes by
// e-mail on the first period's start and the client's page is returned.
func (s *Service) acceptInvoices(ctx context.Context, sub Subscription, in AcceptInput) (string, error) {
	now := s.clock.Now()
	j := &job{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.locked(tx, sub.ID)
		if err != nil {
			return err
		}
		if cur.Status != StatusAwaitingConsent {
			return fmt.Errorf("%w: subscription is %s", ErrConflict, cur.Status)
		}
		consent := Consent{SubscriptionID: cur.ID, MemberID: cur.MemberID, TextVersion: s.cfg.ConsentVersion,
			AcceptedAt: now, IP: in.IP, UserAgent: in.UserAgent, Terms: s.Terms(cur).json()}
		if err := tx.Create(&consent).Error; err != nil {
			return err
		}
		cur.ConsentedMinor = cur.consentCap()
		if err := cur.moveTo(StatusActive); err != nil {
			return err
		}
		lease := now.Add(s.cfg.Lease) // passes leave it to this request while it issues the invoice
		cur.LeaseUntil = &lease
		w := writes{lane: outbox.LaneInteractive}
		if j.c, err = s.planInvoice(&w, &cur, nil, now); err != nil {
			return err
		}
		if err := w.flush(tx, now); err != nil {
			return err
		}
		if j.c != nil {
			*j.c = w.inserts[0] // the stored row
		}
		j.sub = cur
		return nil
	})
	if err != nil || j.c == nil {
		return s.PageURL(sub), err
	}
	s.call(ctx, j)
	if err := s.settle(ctx, []*job{j}, outbox.LaneInteractive); err != nil {
		return "", err
	}
	switch {
	case j.lost:
		return "", fmt.Errorf("%w: %w", ErrGatewayUnavailable, j.err)
	case j.err != nil:
		return "", j.err
	case j.res.ConfirmURL == "":
		return s.PageURL(sub), nil
	}
	return j.res.ConfirmURL, nil
}
