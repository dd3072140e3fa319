package cabinet

import (
	"context"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

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
	var msg Message
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		msg, err = s.createAccount(tx, memberID, in, hash)
		return err
	})
	if store.IsUniqueViolation(err) {
		msg, err = s.alreadyRegistered(in.Email), nil
	}
	if err != nil {
		return err
	}
	return s.mail.Send(ctx, msg)
}

func (s *Service) createAccount(tx *gorm.DB, memberID string, in RegisterInput, hash string) (Message, error) {
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
			return Message{}, &InvalidError{Fields: map[string]string{"invite": "Приглашение устарело: попросите менеджера прислать новое или зарегистрируйтесь без него"}}
		}
		a.B24Type, a.B24ID, a.B24Confirmed = inv.B24Type, inv.B24ID, true
	}
	if err := tx.Create(&a).Error; err != nil {
		return Message{}, err
	}
	raw, err := s.issue(tx, token{MemberID: memberID, Purpose: purposeVerify, AccountID: a.ID}, s.cfg.VerifyTTL)
	if err != nil {
		return Message{}, err
	}
	return Message{To: a.Email, Subject: "Подтвердите адрес почты",
		Body: "Здравствуйте, " + a.Name + "!\n\nЧтобы войти в личный кабинет, подтвердите адрес почты по ссылке:\n" +
			s.link("verify", raw) + "\n\nСсылка действует 48 часов. Если вы не регистрировались, просто удалите это письмо.\n"}, nil
}

func (s *Service) alreadyRegistered(email string) Message {
	return Message{To: email, Subject: "Вы уже зарегистрированы",
		Body: "Здравствуйте!\n\nКто-то (возможно, вы) пытался зарегистрироваться в личном кабинете с этим адресом, " +
			"но у вас уже есть кабинет. Войти: " + s.cfg.BaseURL + "/cabinet/login\nЗабыли пароль? " +
			s.cfg.BaseURL + "/cabinet/forgot\n"}
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
