package cabinet

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"b24pay/mail"
)

// RequestReset mails a password reset link when the e-mail has an account; the answer is the same
// either way.
func (s *Service) RequestReset(ctx context.Context, memberID, email, ip string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	l := s.cfg.Limits
	if err := s.throttle(ctx, map[string]Limit{"reset-ip:" + ip: l.ResetIP,
		"reset-account:" + memberID + ":" + email: l.ResetAccount}); err != nil {
		return err
	}
	a, found, err := s.byEmail(ctx, memberID, email)
	if err != nil || !found {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		raw, err := s.issue(tx, token{MemberID: memberID, Purpose: purposeReset, AccountID: a.ID}, s.cfg.ResetTTL)
		if err != nil {
			return err
		}
		return s.linkLetter(tx, memberID, a.Email, a.Name, mail.CabinetReset, s.link("reset", raw), raw, validFor(s.cfg.ResetTTL))
	})
}

// ResetPassword sets a new password through a reset link, confirms the e-mail (the link came by
// mail) and ends every session of the account.
func (s *Service) ResetPassword(ctx context.Context, raw, password string) error {
	if n := utf8.RuneCountInString(password); n < minPassword || n > 200 {
		return &InvalidError{Fields: map[string]string{"password": "Пароль — не короче 10 символов"}}
	}
	hash, err := argon2id.CreateHash(password, s.cfg.Argon)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.consume(tx, raw, purposeReset)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := tx.Model(&Account{}).Where("id = ?", t.AccountID).
			Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Account{}).Where("id = ? AND verified_at IS NULL", t.AccountID).
			Update("verified_at", now).Error; err != nil {
			return err
		}
		return tx.Where("account_id = ?", t.AccountID).Delete(&session{}).Error
	})
}
