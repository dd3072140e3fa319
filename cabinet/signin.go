package cabinet

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"
)

// SignIn checks the password and opens a new session; it returns the session's cookie value.
// A new value every time: a session id planted before sign-in never becomes a signed-in one.
func (s *Service) SignIn(ctx context.Context, memberID, email, password, ip string) (string, Account, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	l := s.cfg.Limits
	acctBucket := "signin-account:" + memberID + ":" + email
	if err := s.throttle(ctx, map[string]Limit{"signin-ip:" + ip: l.SignInIP, acctBucket: l.SignInAccount}); err != nil {
		return "", Account{}, err
	}
	a, found, err := s.byEmail(ctx, memberID, email)
	if err != nil {
		return "", a, err
	}
	hash := s.dummy
	if found {
		hash = a.PasswordHash
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return "", a, err
	}
	if !ok || !found {
		return "", Account{}, ErrBadCredentials
	}
	if !a.Verified() {
		return "", Account{}, ErrNotVerified
	}
	if err := s.forget(ctx, acctBucket); err != nil {
		return "", a, err
	}
	raw, err := s.openSession(ctx, a.ID)
	return raw, s.matchCard(ctx, a), err
}

func (s *Service) openSession(ctx context.Context, accountID int64) (string, error) {
	raw, hash := newSecret()
	now := s.clock.Now()
	return raw, s.db.WithContext(ctx).Create(&session{IDHash: hash, AccountID: accountID, CreatedAt: now,
		ExpiresAt: now.Add(s.cfg.SessionTTL)}).Error
}

// Session returns the account of a live session.
func (s *Service) Session(ctx context.Context, raw string) (Account, error) {
	var a Account
	if raw == "" {
		return a, ErrNoSession
	}
	var ses session
	err := s.db.WithContext(ctx).Where("id_hash = ? AND expires_at > ?", hashSecret(raw), s.clock.Now()).Take(&ses).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNoSession
	}
	if err != nil {
		return a, err
	}
	err = s.db.WithContext(ctx).Where("id = ?", ses.AccountID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNoSession
	}
	return a, err
}

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, raw string) error {
	return s.db.WithContext(ctx).Where("id_hash = ?", hashSecret(raw)).Delete(&session{}).Error
}

// SessionTTL is how long a session lasts (the cookie's max age).
func (s *Service) SessionTTL() time.Duration { return s.cfg.SessionTTL }
