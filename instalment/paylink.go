package instalment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
)

// Where a manager sends a pay link from the tab.
const (
	SendByEmail    = "email"    // to the client's e-mail, through mail/ and the outbox
	SendToTimeline = "timeline" // a comment in the deal's or lead's timeline (crm.timeline.comment.add)
	SendToChat     = "chat"     // the client's open channel chat of the card (imopenlines.crm.message.add)
)

// TopicChatMessage sends a manager's message into the client's open channel chat.
const TopicChatMessage = "b24.openlines.message"

// Errors of sending a pay link.
var (
	ErrNoClientEmail = errors.New("instalment: the client has no e-mail")
	ErrNoClientChat  = errors.New("instalment: the card has no open channel chat with the client")
)

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
	var chat chatJob
	if channel == SendToChat {
		var err error
		if chat, err = s.clientChat(ctx, o); err != nil {
			return "", err
		}
		chat.UserID = actor.UserID
	}
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
				Key: payLinkKey(SendToTimeline, l.PaymentID), Payload: timelineJob{EntityType: o.Type, DealID: o.ID, Text: text}})
		case SendToChat:
			to, chat.Text = "chat", text
			err = outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicChatMessage, MemberID: sch.MemberID,
				Key: payLinkKey(SendToChat, l.PaymentID), Payload: chat})
		default:
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		where := map[string]string{SendToTimeline: "в ленту карточки", SendToChat: "в чат с клиентом"}[channel]
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
	return c.Email, mail.Enqueue(tx, s.clock.Now(), sch.MemberID, mail.Letter{Key: payLinkLetterKey(l.PaymentID), To: c.Email, Kind: mail.PayLink, Data: d})
}

// payLinkKey is the outbox key of one payment's link sent to one place: one send per payment and
// place, and the handle the tab follows its delivery by.
func payLinkKey(channel, paymentID string) string {
	switch channel {
	case SendByEmail:
		return mail.OutboxKey(payLinkLetterKey(paymentID))
	case SendToTimeline:
		return "paylink-timeline:" + paymentID
	}
	return "paylink-chat:" + paymentID
}

// payLinkLetterKey is the key of the e-mail that sends a payment's link.
func payLinkLetterKey(paymentID string) string { return "paylink:" + paymentID }

// How far a sent pay link got, as the tab shows it.
const (
	DeliverySending = "sending" // queued or being retried
	DeliverySent    = "sent"    // Bitrix24 (or the mail server) took it
	DeliveryFailed  = "failed"  // given up: the manager must send it another way
)

// PayLinkDeliveries tells, for each place the payment's link was sent to, whether it got there.
func (s *Service) PayLinkDeliveries(ctx context.Context, memberID, paymentID string) (map[string]string, error) {
	channels := []string{SendByEmail, SendToTimeline, SendToChat}
	keys := make([]string, len(channels))
	for i, ch := range channels {
		keys[i] = payLinkKey(ch, paymentID)
	}
	rows, err := outbox.ByKeys(ctx, s.db, memberID, keys)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, ch := range channels {
		r, ok := rows[keys[i]]
		switch {
		case !ok:
		case r.Status == outbox.StatusDone:
			out[ch] = DeliverySent
		case r.Status == outbox.StatusDead:
			out[ch] = DeliveryFailed
		default:
			out[ch] = DeliverySending
		}
	}
	return out, nil
}

// chatRefusals are the answers of imopenlines.crm.chat.user.add and imopenlines.crm.message.add
// that a retry cannot change (the "Possible Errors" of both pages).
var chatRefusals = map[string]bool{"CHAT_NOT_IN_CRM": true, "CANCELED": true, "ACCESS_DENIED": true, "CRM_CHAT_USER_NOT_ACTIVE": true}

// chatJob is a message into an open channel chat linked to a CRM object.
type chatJob struct {
	EntityType string `json:"entity_type"` // lead | deal | contact | company
	EntityID   int64  `json:"entity_id"`
	ChatID     int64  `json:"chat_id"`
	UserID     int64  `json:"user_id"` // the manager who sends it; added to the chat first
	Text       string `json:"text"`
}

// clientChat finds the open channel chat with the client: the one linked to the deal or lead, else
// the one linked to its contact or company (imopenlines.crm.chat.get, active chats only:
// api-reference/imopenlines/openlines/chats/imopenlines-crm-chat-get.md).
func (s *Service) clientChat(ctx context.Context, o Owner) (chatJob, error) {
	cl, _, err := s.portalFor(ctx, o.MemberID)
	if err != nil {
		return chatJob{}, err
	}
	cards := []chatJob{{EntityType: o.Type, EntityID: o.ID}}
	if c, err := s.ClientOf(ctx, o); err == nil {
		cards = append(cards, chatJob{EntityType: c.EntityType, EntityID: c.B24ID})
	}
	for _, card := range cards {
		var chats []struct {
			ChatID bitrix.ID `json:"CHAT_ID"`
		}
		resp, err := cl.Call(ctx, "imopenlines.crm.chat.get", map[string]any{"CRM_ENTITY_TYPE": card.EntityType,
			"CRM_ENTITY": card.EntityID, "ACTIVE_ONLY": "Y"})
		if err != nil {
			return chatJob{}, err
		}
		if err := json.Unmarshal(resp.Result, &chats); err != nil {
			return chatJob{}, fmt.Errorf("imopenlines.crm.chat.get: %w", err)
		}
		if len(chats) > 0 {
			card.ChatID = int64(chats[0].ChatID)
			return card, nil
		}
	}
	return chatJob{}, ErrNoClientChat
}

// handleChatMessage sends a queued message as the manager: it first adds the manager to the chat
// (imopenlines.crm.chat.user.add: api-reference/imopenlines/openlines/chats/imopenlines-crm-chat-user-add.md;
// a member already there stays once), since only a member may write into it, then sends
// (imopenlines.crm.message.add: api-reference/imopenlines/openlines/messages/imopenlines-crm-message-add.md).
// A chat that left the CRM object or a manager without access to it will not change by retrying:
// dead at once, which the tab shows the manager.
func (s *Service) handleChatMessage(ctx context.Context, job outbox.Job) error {
	var j chatJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	cl, _, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	_, err = cl.Call(ctx, "imopenlines.crm.chat.user.add", map[string]any{"CRM_ENTITY_TYPE": j.EntityType, "CRM_ENTITY": j.EntityID,
		"USER_ID": j.UserID, "CHAT_ID": j.ChatID})
	if err == nil {
		_, err = cl.Call(ctx, "imopenlines.crm.message.add", map[string]any{"CRM_ENTITY_TYPE": j.EntityType, "CRM_ENTITY": j.EntityID,
			"USER_ID": j.UserID, "CHAT_ID": j.ChatID, "MESSAGE": j.Text})
	}
	var apiErr *bitrix.APIError
	if errors.As(err, &apiErr) && chatRefusals[apiErr.Code] {
		return outbox.Permanent(err)
	}
	return err
}
