package mail

import (
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
)

// Topic is the outbox topic of e-mails.
const Topic = "mail.send"

// Letter is one e-mail to send: the outbox payload.
type Letter struct {
	Key  string `json:"key"` // dedup key: one e-mail per key, ever (also the Message-ID seed)
	To   string `json:"to"`
	Kind Kind   `json:"kind"`
	Data Data   `json:"data"`
}

// Enqueue stores the letter in the caller's transaction; a second letter with the same key is
// ignored, so an e-mail caused by a change is sent exactly once however often the change is
// retried. The key should name the cause, e.g. "receipt:<charge id>".
func Enqueue(tx *gorm.DB, now time.Time, memberID string, l Letter) error {
	return outbox.Enqueue(tx, now, Message(memberID, l))
}

// Message is the outbox message that sends l, for callers that enqueue many messages at once.
func Message(memberID string, l Letter) outbox.Message {
	return outbox.Message{Topic: Topic, MemberID: memberID, Key: OutboxKey(l.Key), Payload: l}
}

// OutboxKey is the outbox key of the letter keyed key, to follow its delivery.
func OutboxKey(key string) string { return "mail:" + key }
