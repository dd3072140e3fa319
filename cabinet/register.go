package cabinet

import (
	"context"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"b24pay/mail"
	"b24pay/store"
)

// Register creates an unverified account and mails its verification link. An e-mail that already
// has an account gets a message saying so instead, and the caller gets the same nil: the form's
// answer never tells whether an address is registered.
func (s *Service) Register(ctx context.Context, memberID string, in RegisterInput, ip string) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	l := s.cfg.Limits
	if err := s.throttle(ctx, map[string]Limit{"register-ip:" + ip: l.RegisterIP,
		"register-account:" + memberID + ":" + in.Email: l.RegisterAccount}); err != nil {
		return err
	}
	hash, err := argon2id.CreateHash(in.Password, s.cfg.Argon)
	if err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	err = db.Transaction(func(tx *gorm.DB) error { return s.createAccount(tx, memberID, in, hash) })
	if store.IsUniqueViolation(err) {
		return s.alreadyRegistered(db, memberID, in.Email)
	}
	return err
}

func (s *Service) createAccount(tx *gorm.DB, memberID string, in RegisterInput, hash string) error {
	now := s.clock.Now()
	a := Account{MemberID: memberID, Kind: in.Kind, Name: in.Name, Email: in.Email, Phone: in.Phone, INN: in.INN,
		KPP: in.KPP, LegalName: in.LegalName, LegalAddress: in.LegalAddress, Route: in.Route, Reminders: in.Reminders,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if in.Invite != "" {
		inv, err := s.consume(tx, in.Invite, purposeInvite)
		if err == nil && inv.MemberID != memberID {
			err = ErrBadLink
		}
		if err != nil {
			return &InvalidError{Fields: map[string]string{"invite": "Приглашение устарело: попросите менеджера прислать новое или зарегистрируйтесь без него"}}
		}
		a.B24Type, a.B24ID, a.B24Confirmed = inv.B24Type, inv.B24ID, true
	}
	if err := tx.Create(&a).Error; err != nil {
		return err
	}
	raw, err := s.issue(tx, token{MemberID: memberID, Purpose: purposeVerify, AccountID: a.ID}, s.cfg.VerifyTTL)
	if err != nil {
		return err
	}
	return s.linkLetter(tx, memberID, a.Email, a.Name, mail.CabinetVerify, s.link("verify", raw), raw, validFor(s.cfg.VerifyTTL))
}

// alreadyRegistered tells the owner of email that someone tried to register it again; every try
// is its own e-mail.
func (s *Service) alreadyRegistered(db *gorm.DB, memberID, email string) error {
	_, attempt := newSecret()
	return s.letter(db, memberID, "registered:"+attempt, email, mail.CabinetRegistered,
		mail.Data{Link: s.cfg.BaseURL + "/cabinet/login", ForgotURL: s.cfg.BaseURL + "/cabinet/forgot"})
}

// Verify confirms the e-mail of the link's account and matches the account to its Bitrix24 card
// (an account invited by a manager already has one). A card that cannot be matched now is
// matched at a later sign-in.
func (s *Service) Verify(ctx context.Context, raw string) (Account, error) {
	var a Account
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.consume(tx, raw, purposeVerify)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := tx.Model(&Account{}).Where("id = ? AND verified_at IS NULL", t.AccountID).
			Updates(map[string]any{"verified_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", t.AccountID).Take(&a).Error
	})
	if err != nil {
		return a, err
	}
	return s.matchCard(ctx, a), nil
}

// matchCard finds or creates the account's card when it has none; failures are logged and retried later.
func (s *Service) matchCard(ctx context.Context, a Account) Account {
	if s.cards == nil || a.B24ID != 0 || !a.Verified() {
		return a
	}
	c, err := s.cards.Match(ctx, a.MemberID, a.Profile())
	if err != nil {
		s.log.Warn("cabinet: Bitrix24 card not matched, retried at the next sign-in", "account", a.ID, "err", err)
		return a
	}
	err = s.db.WithContext(ctx).Model(&Account{}).Where("id = ? AND b24_id = 0", a.ID).
		Updates(map[string]any{"b24_type": c.Type, "b24_id": c.ID, "b24_confirmed": c.Own}).Error
	if err != nil {
		s.log.Error("cabinet: card match not saved", "account", a.ID, "err", err)
		return a
	}
	a.B24Type, a.B24ID, a.B24Confirmed = c.Type, c.ID, c.Own
	s.log.Info("cabinet: account matched to its Bitrix24 card", "account", a.ID, "card", c.Type, "card_id", c.ID, "own", c.Own)
	return a
}

// Profile is the account's profile fields.
func (a Account) Profile() Profile {
	return Profile{Kind: a.Kind, Name: a.Name, Email: a.Email, Phone: a.Phone, INN: a.INN, KPP: a.KPP,
		LegalName: a.LegalName, LegalAddress: a.LegalAddress, Route: a.Route, Reminders: a.Reminders}
}
