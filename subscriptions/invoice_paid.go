package subscriptions

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
	"b24pay/schedules"
)

// reasonPartlyPaid is the decline reason of a charge whose invoice was paid in part.
const reasonPartlyPaid = "invoice_partly_paid"

// OwedMinor is what is still owed of the charge (zero once paid in full).
func (c Charge) OwedMinor() int64 { return max(c.AmountMinor-c.PaidMinor, 0) }

// PartlyPaid tells whether money was booked on the charge but not all of its amount.
func (c Charge) PartlyPaid() bool {
	return c.Status != ChargeSucceeded && c.PaidMinor > 0 && c.PaidMinor < c.AmountMinor
}

// ApplyPaid books money billing received on a charge's invoice, in billing's transaction (so a
// duplicate or reordered notification, which billing books once, is booked here once too). The
// charge keeps what was paid and the subscription's paid total counts it. The period is paid,
// once, with one receipt, when what was paid reaches the charge's amount, by one payment or by the
// last of several: a part, then the rest on the same order or on the invoice issued for the
// remainder. A part payment of the open invoice ends that invoice as an unpaid one does: the
// charge fails, the subscription is past_due, and the dunning days issue a new invoice for the
// remainder (see Payable) until they run out. Money beyond the amount, or for a charge given up
// (void, declined), is booked on the charge and told to the manager: never lost.
func (s *Service) ApplyPaid(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, _ string) error {
	inv, err := invoiceOf(tx, memberID, kind, id)
	if err != nil || amountMinor <= 0 {
		return err
	}
	sub, err := s.locked(tx, inv.SubscriptionID)
	if err != nil {
		return err
	}
	var c Charge
	if err := tx.Where("id = ?", inv.ChargeID).Take(&c).Error; err != nil {
		return notFound(err)
	}
	now := s.clock.Now()
	w := writes{lane: outbox.LaneInteractive}
	if err := s.bookInvoiceMoney(&w, &sub, &c, amountMinor, now); err != nil {
		return err
	}
	return w.flush(tx, now)
}

// bookInvoiceMoney records amountMinor paid for charge c (read under sub's lock) and what it
// settles.
func (s *Service) bookInvoiceMoney(w *writes, sub *Subscription, c *Charge, amountMinor int64, now time.Time) error {
	overpaid := c.Status == ChargeSucceeded
	c.PaidMinor += amountMinor
	sub.PaidMinor += amountMinor
	switch {
	case !overpaid && c.OwedMinor() == 0 && c.Status != ChargeDeclined:
		if err := s.succeedInvoice(w, sub, c, now); err != nil || c.PaidMinor == c.AmountMinor {
			return err
		}
		s.announceMoney(w, *sub, *c, amountMinor) // paid more than the amount
		return nil
	case c.Status == ChargePending || c.Status == ChargeUnknown: // the open invoice, paid in part
		return s.failInvoice(w, sub, c, PayResult{Status: ChargeFailed, Reason: reasonPartlyPaid}, now)
	}
	s.log.Warn("money for a subscription invoice that is paid or closed; booked on its charge",
		"charge_id", c.ID, "status", c.Status, "amount_minor", amountMinor, "paid_minor", c.PaidMinor)
	w.saveCharge(c, now)
	w.save(sub, now)
	s.announceMoney(w, *sub, *c, amountMinor)
	return nil
}

// paidText says what was paid of a charge and what is left: «оплачено 4 000,00 ₽ из 12 200,00 ₽,
// остаток 8 200,00 ₽».
func paidText(c Charge) string {
	return fmt.Sprintf("оплачено %s из %s, остаток %s", Human(c.PaidMinor, c.Currency), Human(c.AmountMinor, c.Currency),
		Human(c.OwedMinor(), c.Currency))
}

// announceMoney tells Bitrix24 and the responsible manager about money that did not settle an
// open invoice: a part of an overdue period, money after a cancellation, or an overpayment. The
// keys name the charge's paid total, which only grows, so each booking is told once.
func (s *Service) announceMoney(w *writes, sub Subscription, c Charge, amountMinor int64) {
	text := fmt.Sprintf("Поступила оплата %s за период с %s: %s.", Human(amountMinor, c.Currency),
		schedules.ISODateRU(c.PeriodStart), paidText(c))
	if c.PaidMinor > c.AmountMinor {
		text = fmt.Sprintf("Переплата за период с %s: поступило %s, всего оплачено %s при сумме %s. Деньги учтены; решите, вернуть ли их.",
			schedules.ISODateRU(c.PeriodStart), Human(amountMinor, c.Currency), Human(c.PaidMinor, c.Currency),
			Human(c.AmountMinor, c.Currency))
	}
	if sub.Status == StatusCancelled || sub.Status == StatusEnded {
		text += " Подписка уже не действует."
	}
	key := c.ID + "-" + strconv.FormatInt(c.PaidMinor, 10)
	w.enqueue(outbox.Message{Topic: TopicB24Sync, MemberID: sub.MemberID, Key: "b24:money:" + key,
		Payload: B24Sync{SubscriptionID: sub.ID, Event: "money", Comment: text}})
	if sub.ManagerID > 0 {
		w.enqueue(outbox.Message{Topic: TopicNotifyManager, MemberID: sub.MemberID, Key: "notify:money:" + key,
			Payload: ManagerNote{SubscriptionID: sub.ID, ManagerID: sub.ManagerID,
				Message: fmt.Sprintf("Подписка «%s»: %s", sub.Title, text)}})
	}
}
