package cabinet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/store"
)

// Cards finds or creates the Bitrix24 contact or company of a client and keeps it up to date.
type Cards interface {
	// Match returns the existing card of the profile (by e-mail, phone, ИНН) or creates one.
	Match(ctx context.Context, memberID string, p Profile) (Card, error)
	// Update writes the profile into the card.
	Update(ctx context.Context, memberID string, c Card, p Profile) error
	// Read returns what the card says of the profile's fields and when it was last modified.
	Read(ctx context.Context, memberID string, c Card) (CardState, error)
}

// Config tunes the service; zero fields take the defaults.
type Config struct {
	BaseURL    string // where the cabinet is served, e.g. https://pay.example.ru (links in e-mails)
	SessionTTL time.Duration
	VerifyTTL  time.Duration
	ResetTTL   time.Duration
	InviteTTL  time.Duration
	Limits     *Limits
	Argon      *argon2id.Params // tests pass cheap parameters
}

func (c *Config) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.SessionTTL, 24*time.Hour)
	set(&c.VerifyTTL, 48*time.Hour)
	set(&c.ResetTTL, time.Hour)
	set(&c.InviteTTL, 14*24*time.Hour)
	if c.Limits == nil {
		c.Limits = &DefaultLimits
	}
	if c.Argon == nil {
		c.Argon = argon2id.DefaultParams
	}
}

// Service is the cabinet's accounts, sessions and links.
type Service struct {
	db    *store.DB
	clock clock.Clock
	log   *slog.Logger
	cards Cards // nil: accounts stay unmatched
	cfg   Config
	dummy string // a hash compared against when the e-mail is unknown, so both answers take as long
}

// NewService builds the service.
func NewService(db *store.DB, clk clock.Clock, log *slog.Logger, cards Cards, cfg Config) (*Service, error) {
	cfg.defaults()
	dummy, err := argon2id.CreateHash("not a password of anyone", cfg.Argon)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, clock: clk, log: log, cards: cards, cfg: cfg, dummy: dummy}, nil
}

// newSecret returns a random URL-safe token and its SHA-256 (what is stored).
func newSecret() (raw, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw)
}

func hashSecret(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// Account loads an account of the portal.
func (s *Service) Account(ctx context.Context, memberID string, id int64) (Account, error) {
	var a Account
	err := s.db.WithContext(ctx).Where("member_id = ? AND id = ?", memberID, id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNoSession
	}
	return a, err
}

func (s *Service) byEmail(ctx context.Context, memberID, email string) (Account, bool, error) {
	var a Account
	err := s.db.WithContext(ctx).Where("member_id = ? AND email = ?", memberID, email).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, false, nil
	}
	return a, err == nil, err
}
