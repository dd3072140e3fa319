package cabinet

import (
	"context"

	"gorm.io/gorm"
)

// UpdateProfile saves the client's edits (the e-mail and the kind stay as registered) and writes
// them into the Bitrix24 card.
func (s *Service) UpdateProfile(ctx context.Context, a Account, p Profile) (Account, error) {
	p.Email, p.Kind = a.Email, a.Kind
	p.Normalize()
	if err := p.Validate(); err != nil {
		return a, err
	}
	if s.cards != nil && s.writesCard(ctx, a) {
		// A manager's edit of the card not seen yet comes in first, so the history holds both
		// versions and the client's, the most recent, is what stays.
		if err := s.SyncFromCard(ctx, a.MemberID, a.Card()); err != nil {
			s.log.Warn("cabinet: card read before the profile edit failed", "account", a.ID, "err", err)
		} else if fresh, err := s.Account(ctx, a.MemberID, a.ID); err == nil {
			a = fresh
		}
	}
	now := s.clock.Now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, f := range [][3]string{{"name", a.Name, p.Name}, {"phone", a.Phone, p.Phone}, {"inn", a.INN, p.INN},
			{"kpp", a.KPP, p.KPP}, {"legal_name", a.LegalName, p.LegalName}, {"legal_address", a.LegalAddress, p.LegalAddress}} {
			if f[1] == f[2] {
				continue
			}
			if err := tx.Create(&Change{MemberID: a.MemberID, AccountID: a.ID, Source: SourceCabinet, Field: f[0],
				OldValue: f[1], NewValue: f[2], Applied: true, At: now}).Error; err != nil {
				return err
			}
		}
		return tx.Model(&Account{}).Where("member_id = ? AND id = ?", a.MemberID, a.ID).
			Updates(map[string]any{"name": p.Name, "phone": p.Phone, "inn": p.INN, "kpp": p.KPP, "legal_name": p.LegalName,
				"legal_address": p.LegalAddress, "route": p.Route, "reminders": p.Reminders, "updated_at": now,
				"profile_edited_at": now}).Error
	})
	if err != nil {
		return a, err
	}
	a.Name, a.Phone, a.INN, a.KPP, a.LegalName, a.LegalAddress, a.Route, a.Reminders, a.UpdatedAt, a.ProfileEditedAt =
		p.Name, p.Phone, p.INN, p.KPP, p.LegalName, p.LegalAddress, p.Route, p.Reminders, now, &now
	if s.cards != nil && s.writesCard(ctx, a) {
		if err := s.cards.Update(ctx, a.MemberID, a.Card(), p); err != nil {
			s.log.Warn("cabinet: Bitrix24 card not updated", "account", a.ID, "err", err)
		}
	}
	return s.matchCard(ctx, a), nil
}

// writesCard tells whether a's profile edits go to its Bitrix24 card: the card must be the
// client's own (one found only by phone or ИНН is not), of the account's kind (a person's name
// never becomes a company's title), and a must be its first user (a colleague's name and phone
// are theirs, not the company's).
func (s *Service) writesCard(ctx context.Context, a Account) bool {
	if !a.Shows() || (a.Kind == KindPerson) != (a.B24Type == CardContact) {
		return false
	}
	first, err := s.First(ctx, a)
	if err != nil {
		s.log.Warn("cabinet: users of the card not read", "account", a.ID, "err", err)
	}
	return first
}
