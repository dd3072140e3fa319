package instalment

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
)

// Where a manager sends a pay link from the tab.
const (
	SendByEmail    = "email"    // to the client's e-mail, through mail/ and the outbox
	SendToTimeline = "timeline" // a comment in the deal's or lead's timeline (crm.timeline.comment.add)
)

// ErrNoClientEmail: the card's client has no e-mail to send a pay link to.
var ErrNoClientEmail = errors.New("instalment: the client has no e-mail")

// PayLink is a live pay link of an instalment, as the tab sends it to the client.
type PayLink struct {
	PaymentID    string // the payment the link pays: one e-mail and one comment per payment and channel
	InstalmentID int64
	URL          string // absolute
	Amount       string // for people, «10 000,00 ₽»
	Route        string // «Счёт Invoicebox», «QR СБП»
	Merchant     string // the seller's name for the e-mail; may be empty
}

// SendPayLink queues the pay link for the client by e-mail or in the card's timeline and records
// it in the schedule's history; it answers where it went (the e-mail address or "timeline"). The
// instalment must be one of the owner's active schedule. Sending one payment's link twice to the
// same place queues it once (the outbox key is the payment and the channel).
func (s *Service) SendPayLink(ctx context.Context, actor Actor, o Owner, l PayLink, channel string) (string, error) {
	var to string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sch, err := active(tx, o)
		if err != nil {
			return err
		}
		var in Instalment
		if err := tx.Where("id = ? AND schedule_id = ?", l.InstalmentID, sch.ID).Take(&in).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		text := fmt.Sprintf("Ссылка на оплату платежа №%d (%s, %s): %s", in.Seq, l.Amount, l.Route, l.URL)
		switch channel {
		case SendByEmail:
			to, err = s.mailPayLink(tx, sch, in, l)
		case SendToTimeline:
			to = "timeline"
			err = outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicTimeline, MemberID: sch.MemberID,
				Key: "paylink-timeline:" + l.PaymentID, Payload: timelineJob{EntityType: o.Type, DealID: o.ID, Text: text}})
		default:
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		where := "в ленту карточки"
		if channel == SendByEmail {
			where = "на " + to
		}
		return s.record(tx, sch, actor, "link_sent", fmt.Sprintf("ссылка на оплату платежа №%d отправлена %s", in.Seq, where), false)
	})
	return to, err
}

// mailPayLink queues the pay link e-mail to the schedule's client.
func (s *Service) mailPayLink(tx *gorm.DB, sch Schedule, in Instalment, l PayLink) (string, error) {
	c := clientByID(tx, sch.ClientID)
	if c == nil || c.Email == "" {
		return "", ErrNoClientEmail
	}
	due, _ := schedules.ParseDate(in.Due) // stored by us as YYYY-MM-DD
	d := mail.Data{Merchant: l.Merchant, ClientName: c.Name, Title: fmt.Sprintf("платёж №%d по графику «%s»", in.Seq, sch.Title),
		Amount: l.Amount, ChargeDate: due.RU(), PayURL: l.URL}
	return c.Email, mail.Enqueue(tx, s.clock.Now(), sch.MemberID, mail.Letter{Key: "paylink:" + l.PaymentID, To: c.Email, Kind: mail.PayLink, Data: d})
}
