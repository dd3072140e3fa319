package cabinet

import "context"

// UpdateProfile saves the client's edits (the e-mail and the kind stay as registered) and writes
// them into the Bitrix24 card.
func (s *Service) UpdateProfile(ctx context.Context, a Account, p Profile) (Account, error) {
	p.Email, p.Kind = a.Email, a.Kind
	p.Normalize()
	if err := p.Validate(); err != nil {
		return a, err
	}
	now := s.clock.Now()
	err := s.db.WithContext(ctx).Model(&Account{}).Where("member_id = ? AND id = ?", a.MemberID, a.ID).
		Updates(map[string]any{"name": p.Name, "phone": p.Phone, "inn": p.INN, "kpp": p.KPP, "legal_name": p.LegalName,
			"legal_address": p.LegalAddress, "route": p.Route, "reminders": p.Reminders, "updated_at": now}).Error
	if err != nil {
		return a, err
	}
	a.Name, a.Phone, a.INN, a.KPP, a.LegalName, a.LegalAddress, a.Route, a.Reminders, a.UpdatedAt =
		p.Name, p.Phone, p.INN, p.KPP, p.LegalName, p.LegalAddress, p.Route, p.Reminders, now
	if s.cards != nil && a.Shows() { // a card found only by phone or ИНН is not the client's to edit
		if err := s.cards.Update(ctx, a.MemberID, a.Card(), p); err != nil {
			s.log.Warn("cabinet: Bitrix24 card not updated", "account", a.ID, "err", err)
		}
	}
	return s.matchCard(ctx, a), nil
}
