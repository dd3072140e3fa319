package subscriptions

import (
	"cmp"
	"fmt"
	"strconv"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
)

// Outbox topics of the Bitrix24 side effects.
const (
	// TopicB24Sync updates the subscription's «Подписки» item and adds a timeline comment.
	TopicB24Sync = "subscriptions.b24.sync"
	// TopicNotifyManager sends the responsible manager a Bitrix24 notification.
	TopicNotifyManager = "subscriptions.b24.notify"
)

type event string

const (
	eventPaid      event = "paid"
	eventFailed    event = "failed"
	eventSuspended event = "suspended"
	eventCancelled event = "cancelled"
	eventPaused    event = "paused"
	eventResumed   event = "resumed"
	// eventRouteChanged: a switch of route was paid; the subscription is paid on its new route.
	eventRouteChanged event = "route"
)

// B24Sync is the payload of TopicB24Sync: the handler reads the subscription as it is then.
type B24Sync struct {
	SubscriptionID int64  `json:"subscription_id"`
	Event          string `json:"event"`
	Comment        string `json:"comment"`
}

// ManagerNote is the payload of TopicNotifyManager.
type ManagerNote struct {
	SubscriptionID int64  `json:"subscription_id"`
	ManagerID      int64  `json:"manager_id"`
	Message        string `json:"message"`
}

// announce records what a change tells the client and Bitrix24, to be enqueued with the change.
// Every message has a key naming its cause, so a replayed change sends nothing twice.
func (s *Service) announce(w *writes, sub Subscription, c Charge, ev event) {
	cause := strconv.FormatInt(sub.ID, 10)
	if c.ID != "" {
		cause = c.key()
	}
	var msgs []outbox.Message
	sync := func(comment string) {
		msgs = append(msgs, outbox.Message{Topic: TopicB24Sync, MemberID: sub.MemberID, Key: "b24:" + string(ev) + ":" + cause,
			Payload: B24Sync{SubscriptionID: sub.ID, Event: string(ev), Comment: comment}})
	}
	notify := func(text string) {
		if sub.ManagerID > 0 {
			msgs = append(msgs, outbox.Message{Topic: TopicNotifyManager, MemberID: sub.MemberID,
				Key: "notify:" + string(ev) + ":" + cause, Payload: ManagerNote{SubscriptionID: sub.ID, ManagerID: sub.ManagerID, Message: text}})
		}
	}
	var letter *mail.Letter
	amount := Human(c.AmountMinor, c.Currency)
	switch ev {
	case eventPaid:
		sync(fmt.Sprintf("Оплачено %s за период с %s (%s).", amount, schedules.ISODateRU(c.PeriodStart), cmp.Or(sub.CardTitle, "счёт Invoicebox")))
		letter = s.letter(sub, c, mail.Receipt, "receipt:"+c.ID)
	case eventFailed:
		sync(fmt.Sprintf("Не удалось списать %s за период с %s: %s.", amount, schedules.ISODateRU(c.PeriodStart), reasonText(c.DeclineReason)))
		if sub.DunningStep == 1 {
			letter = s.letter(sub, c, mail.PaymentFailed, "failed:"+cause)
			notify(fmt.Sprintf("Подписка «%s»: не удалось списать %s (%s).", sub.Title, amount, reasonText(c.DeclineReason)))
		} else {
			letter = s.letter(sub, c, mail.DunningReminder, "dunning:"+cause)
		}
	case eventSuspended:
		sync("Подписка приостановлена: попытки списания закончились.")
		notify(fmt.Sprintf("Подписка «%s» приостановлена: клиент не оплатил период.", sub.Title))
	case eventCancelled:
		sync("Подписка отменена.")
		letter = s.letter(sub, c, mail.SubscriptionCancelled, "cancelled:"+strconv.FormatInt(sub.ID, 10))
	case eventPaused:
		sync(fmt.Sprintf("Подписка на паузе с %s по %s.", schedules.ISODateRU(sub.PauseFrom), schedules.ISODateRU(sub.PauseUntil)))
	case eventResumed:
		sync("Подписка возобновлена.")
	case eventRouteChanged:
		sync(fmt.Sprintf("Клиент сменил способ оплаты: %s.", routeNames[sub.Route]))
		notify(fmt.Sprintf("Подписка «%s»: клиент сменил способ оплаты на «%s».", sub.Title, routeNames[sub.Route]))
	}
	if letter != nil && sub.Email != "" {
		msgs = append(msgs, mail.Message(sub.MemberID, *letter))
	}
	w.enqueue(msgs...)
}

func (s *Service) letter(sub Subscription, c Charge, kind mail.Kind, key string) *mail.Letter {
	d := mail.Data{Merchant: s.cfg.Merchant, Title: sub.Title, Amount: Human(sub.RegularAmount(), sub.Currency),
		Period: sub.PeriodText(), Card: sub.CardTitle, PayURL: s.PageURL(sub) + "/card", ManageURL: s.PageURL(sub),
		PaidCount: sub.PaidCount}
	if c.ID != "" {
		d.Amount, d.ChargeDate, d.Reason = Human(c.AmountMinor, c.Currency), schedules.ISODateRU(c.PeriodStart), reasonText(c.DeclineReason)
		d.RetryDate = schedules.ISODateRU(c.NextAttemptOn)
	}
	if sub.Status == StatusActive {
		d.NextDate = schedules.ISODateRU(sub.NextChargeOn)
	}
	if sub.EndedAt != nil {
		d.CancelledAt = sub.EndedAt.In(s.cfg.Location).Format("02.01.2006")
	}
	return &mail.Letter{Key: key, To: sub.Email, Kind: kind, Data: d}
}

var reasons = map[string]string{
	"insufficient_funds": "недостаточно средств на карте", "card_expired": "срок действия карты истёк",
	"permission_revoked": "вы отозвали согласие на автоплатежи", "fraud_suspected": "банк заподозрил мошенничество",
	"general_decline": "банк отклонил платёж", "issuer_unavailable": "банк не ответил",
	"call_issuer": "банк просит связаться с ним", "payment_method_limit_exceeded": "превышен лимит по карте",
	"payment_method_restricted": "операции по карте ограничены", "invalid_card_number": "неверный номер карты",
	"payment_method_unavailable": "сохранённая карта больше недоступна",
}

func reasonText(code string) string {
	if t, ok := reasons[code]; ok {
		return t
	}
	return "платёж отклонён"
}
