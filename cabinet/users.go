package cabinet

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"gorm.io/gorm"
)

// Several users of one company: every account matched to the same Bitrix24 card as its own (an
// invitation, the verified e-mail or creation) shares the card's schedules, subscriptions and
// payments, with its own password and sessions. Any user of an ИП or a company may invite a
// colleague; the first user (who registered first) may remove the others and nobody removes them.

// ErrNotAllowed is an action on users the account may not take.
var ErrNotAllowed = errors.New("cabinet: not allowed")

// Users lists the accounts sharing a's card, first registered first; an account without its own
// card is alone.
func (s *Service) Users(ctx context.Context, a Account) ([]Account, error) {
	if !a.Shows() {
		return []Account{a}, nil
	}
	var out []Account
	err := s.db.WithContext(ctx).Where("member_id = ? AND b24_type = ? AND b24_id = ? AND b24_confirmed = ?",
		a.MemberID, a.B24Type, a.B24ID, true).Order("id").Find(&out).Error
	return out, err
}

// First tells whether a is the first user of its card (alone counts as first).
func (s *Service) First(ctx context.Context, a Account) (bool, error) {
	users, err := s.Users(ctx, a)
	if err != nil || len(users) == 0 {
		return false, err
	}
	return users[0].ID == a.ID, nil
}

// InviteColleague mails a registration link matched to a's company to a colleague.
func (s *Service) InviteColleague(ctx context.Context, a Account, to Recipient) error {
	if !a.OfCompany() {
		return ErrNotAllowed
	}
	to.Email, to.Name = strings.ToLower(strings.TrimSpace(to.Email)), strings.TrimSpace(to.Name)
	if addr, err := mail.ParseAddress(to.Email); err != nil || addr.Address != to.Email {
		return &InvalidError{Fields: map[string]string{"email": "Проверьте адрес: например, name@company.ru"}}
	}
	if to.Name == "" {
		return &InvalidError{Fields: map[string]string{"name": "Укажите имя сотрудника"}}
	}
	if err := s.throttle(ctx, map[string]Limit{"invite-account:" + a.MemberID + ":" + a.Email: s.cfg.Limits.RegisterIP}); err != nil {
		return err
	}
	_, err := s.Invite(ctx, a.MemberID, a.Card(), to)
	return err
}

// RemoveUser deletes a colleague's account with its sessions and links; only the first user of
// the card may, and never themselves. Another card's account answers ErrNotAllowed, as an unknown id.
func (s *Service) RemoveUser(ctx context.Context, by Account, id int64) error {
	users, err := s.Users(ctx, by)
	if err != nil {
		return err
	}
	if len(users) == 0 || users[0].ID != by.ID || id == by.ID {
		return ErrNotAllowed
	}
	for _, u := range users[1:] {
		if u.ID != id {
			continue
		}
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Where("account_id = ?", id).Delete(&session{}).Error; err != nil {
				return err
			}
			if err := tx.Where("account_id = ?", id).Delete(&token{}).Error; err != nil {
				return err
			}
			return tx.Where("member_id = ? AND id = ?", by.MemberID, id).Delete(&Account{}).Error
		})
	}
	return ErrNotAllowed
}
