package subscriptions

import (
	"fmt"

	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
)

const eventRefunded event = "refunded"

// announceRefund queues, in the refund's transaction, the «Подписки» item's timeline comment and
// the client's e-mail about a finished refund, each keyed by the refund so it is sent once.
func (s *Service) announceRefund(tx *gorm.DB, sub Subscription, c Charge, r billing.Refund) error {
	amount := Human(r.AmountMinor, c.Currency)
	comment := fmt.Sprintf("Возврат %s за период с %s (оплачено %s, возвращено всего %s).", amount,
		schedules.ISODateRU(c.PeriodStart), Human(c.AmountMinor, c.Currency), Human(c.RefundedMinor, c.Currency))
	if r.Reason != "" {
		comment += " Причина: " + r.Reason + "."
	}
	msgs := []outbox.Message{{Topic: TopicB24Sync, MemberID: sub.MemberID, Key: "b24:" + string(eventRefunded) + ":" + r.ID,
		Payload: B24Sync{SubscriptionID: sub.ID, Event: string(eventRefunded), Comment: comment}}}
	if sub.Email != "" {
		l := s.letter(sub, c, mail.ChargeRefunded, "refund:"+r.ID)
		l.Data.Amount, l.Data.Reason = amount, r.Reason
		msgs = append(msgs, mail.Message(sub.MemberID, *l))
	}
	return outbox.EnqueueAll(tx, s.clock.Now(), msgs...)
}
