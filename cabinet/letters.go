package cabinet

import (
	"gorm.io/gorm"

	"b24pay/mail"
)

// letter enqueues a cabinet e-mail through the outbox in tx: it commits with the token it
// carries and is sent once per key, retried while the mail server is down.
func (s *Service) letter(tx *gorm.DB, memberID, key, to string, kind mail.Kind, d mail.Data) error {
	return mail.Enqueue(tx, s.clock.Now(), memberID, mail.Letter{Key: "cabinet:" + key, To: to, Kind: kind, Data: d})
}

// linkLetter enqueues the e-mail of a one-time link: its key is the token's, so each link is mailed once.
func (s *Service) linkLetter(tx *gorm.DB, memberID, to, name string, kind mail.Kind, link, raw, valid string) error {
	return s.letter(tx, memberID, string(kind)+":"+hashSecret(raw), to, kind,
		mail.Data{ClientName: name, Link: link, LinkValid: valid})
}
