package cabinet

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"b24pay/mail"
	"b24pay/schedules"
)

// issue stores a one-time token and returns its raw value for the link.
func (s *Service) issue(tx *gorm.DB, t token, ttl time.Duration) (string, error) {
	raw, hash := newSecret()
	now := s.clock.Now()
	t.Hash, t.CreatedAt, t.ExpiresAt = hash, now, now.Add(ttl)
	return raw, tx.Create(&t).Error
}

// consume marks a live token of the purpose used, once: of two concurrent uses one wins.
func (s *Service) consume(tx *gorm.DB, raw, purpose string) (token, error) {
	var t token
	now := s.clock.Now()
	err := tx.Where("hash = ? AND purpose = ?", hashSecret(raw), purpose).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (t.UsedAt != nil || !now.Before(t.ExpiresAt))) {
		return t, ErrBadLink
	}
	if err != nil {
		return t, err
	}
	res := tx.Model(&token{}).Where("hash = ? AND used_at IS NULL", t.Hash).Update("used_at", now)
	if res.Error != nil {
		return t, res.Error
	}
	if res.RowsAffected != 1 {
		return t, ErrBadLink
	}
	return t, nil
}

// peek reads a live token without using it.
func (s *Service) peek(ctx context.Context, raw, purpose string) (token, error) {
	var t token
	err := s.db.WithContext(ctx).Where("hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
		hashSecret(raw), purpose, s.clock.Now()).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrBadLink
	}
	return t, err
}

func (s *Service) link(path, raw string) string {
	return s.cfg.BaseURL + "/cabinet/" + path + "?token=" + raw
}

// Invite makes a registration link for the client of a Bitrix24 contact or company: who registers
// through it is matched to that card. With the client's e-mail known, the link is also mailed.
func (s *Service) Invite(ctx context.Context, memberID string, c Card, to Recipient) (string, error) {
	var link string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		raw, err := s.issue(tx, token{MemberID: memberID, Purpose: purposeInvite, B24Type: c.Type, B24ID: c.ID}, s.cfg.InviteTTL)
		if err != nil {
			return err
		}
		link = s.cfg.BaseURL + "/cabinet/register?invite=" + raw
		if to.Email == "" {
			return nil
		}
		return s.linkLetter(tx, memberID, to.Email, to.Name, mail.CabinetInvite, link, raw, validFor(s.cfg.InviteTTL))
	})
	return link, err
}

// Recipient is who an e-mail goes to; an empty Email sends none.
type Recipient struct{ Email, Name string }

// validFor says for how long a link works, for people: «48 часов», «14 дней».
func validFor(d time.Duration) string {
	if h := int(d.Hours()); h%24 == 0 && h > 48 {
		return plural(h/24, "день", "дня", "дней")
	} else if h > 1 {
		return plural(h, "час", "часа", "часов")
	}
	return "один час"
}

// plural is n with its Russian word form: «2 часа», «5 дней».
func plural(n int, one, few, many string) string {
	return strconv.Itoa(n) + " " + schedules.PluralRU(n, one, few, many)
}

// Invited tells whether raw is a live invitation of the portal.
func (s *Service) Invited(ctx context.Context, memberID, raw string) bool {
	t, err := s.peek(ctx, raw, purposeInvite)
	return err == nil && t.MemberID == memberID
}
