package cabinet

import (
	"cmp"
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/outbox"
	"b24pay/store"
)

// Edits of the Bitrix24 card flowing back. A manager's edit of a contact or company
// (ONCRMCONTACTUPDATE / ONCRMCOMPANYUPDATE, re-read by the periodic re-sync too, since events
// can be lost) updates the profile that mirrors the card: its first user's, of the card's kind
// (a colleague's name and phone are their own). The rule for a conflict — the client edited the
// profile and the manager the card — is that the most recent change wins: the card's DATE_MODIFY
// against the client's last edit. Both values go into the history; a losing card value is marked
// not applied and the cabinet's values are written to the card again.

// TopicCardSync carries a card edit from the event handler to SyncFromCard.
const TopicCardSync = "cabinet.card"

// AcceptCardEvent stores a card edit for processing (in the bulk lane, with the other events).
func (s *Service) AcceptCardEvent(ctx context.Context, memberID string, c Card) error {
	return outbox.Enqueue(s.db.WithContext(ctx), s.clock.Now(), outbox.Message{Topic: TopicCardSync, MemberID: memberID,
		Payload: Card{Type: c.Type, ID: c.ID}, Lane: outbox.LaneBulk})
}

// HandleCardSync is the outbox handler of TopicCardSync.
func (s *Service) HandleCardSync(ctx context.Context, job outbox.Job) error {
	var c Card
	if err := job.Decode(&c); err != nil {
		return err
	}
	return s.SyncFromCard(ctx, job.MemberID, c)
}

// ResyncCards re-reads every card a profile mirrors (the periodic re-sync); one card's failure
// does not stop the others.
func (s *Service) ResyncCards(ctx context.Context, _ time.Time) error {
	var cards []Account
	if err := s.db.WithContext(ctx).Model(&Account{}).Distinct("member_id", "b24_type", "b24_id").
		Where("b24_confirmed = ? AND b24_id <> 0", true).Find(&cards).Error; err != nil {
		return err
	}
	var first error
	for _, a := range cards {
		if err := s.SyncFromCard(ctx, a.MemberID, a.Card()); err != nil {
			s.log.Warn("cabinet: card re-sync failed", "card", a.B24Type, "card_id", a.B24ID, "err", err)
			first = cmp.Or(first, err)
		}
	}
	return first
}

// fieldDiff is one mirrored field where the cabinet and the card differ.
type fieldDiff struct{ field, cabinet, card string }

// SyncFromCard brings the card's edits into the profile that mirrors it (see above).
func (s *Service) SyncFromCard(ctx context.Context, memberID string, c Card) error {
	if s.cards == nil {
		return nil
	}
	owner, ok, err := s.mirror(s.db.WithContext(ctx), memberID, c)
	if err != nil || !ok {
		return err
	}
	st, err := s.cards.Read(ctx, memberID, c)
	if err != nil {
		return err
	}
	var push bool
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if owner, ok, err = s.mirror(tx, memberID, c); err != nil || !ok { // read again, locked
			return err
		}
		diffs := cardDiffs(owner, st)
		if len(diffs) == 0 {
			return nil
		}
		cardWins := owner.ProfileEditedAt == nil || !st.Modified.Before(*owner.ProfileEditedAt)
		push = !cardWins
		now := s.clock.Now()
		set := map[string]any{}
		for _, d := range diffs {
			if !cardWins && s.conflictRecorded(tx, owner.ID, d) {
				continue // the same losing card value seen again (a re-sync): one history row
			}
			if err := tx.Create(&Change{MemberID: memberID, AccountID: owner.ID, Source: SourceBitrix24, Field: d.field,
				OldValue: d.cabinet, NewValue: d.card, Applied: cardWins, At: now}).Error; err != nil {
				return err
			}
			set[d.field] = d.card
		}
		if !cardWins || len(set) == 0 {
			return nil
		}
		set["updated_at"] = now
		return tx.Model(&Account{}).Where("id = ?", owner.ID).Updates(set).Error
	})
	if err != nil || !push {
		return err
	}
	return s.cards.Update(ctx, memberID, c, owner.Profile()) // the cabinet's more recent values back to the card
}

// mirror is the account whose profile mirrors the card: its first user, if of the card's kind.
func (s *Service) mirror(tx *gorm.DB, memberID string, c Card) (Account, bool, error) {
	q := tx
	if s.db.Dialect == store.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var a Account
	err := q.Where("member_id = ? AND b24_type = ? AND b24_id = ? AND b24_confirmed = ?", memberID, c.Type, c.ID, true).
		Order("id").Limit(1).Find(&a).Error
	ok := err == nil && a.ID != 0 && (a.Kind == KindPerson) == (a.B24Type == CardContact)
	return a, ok, err
}

// cardDiffs compares the mirrored fields; an empty card field never blanks the profile.
func cardDiffs(a Account, st CardState) []fieldDiff {
	var out []fieldDiff
	add := func(field, cabinet, card string) {
		if card != "" && card != cabinet {
			out = append(out, fieldDiff{field, cabinet, card})
		}
	}
	if a.B24Type == CardContact {
		add("name", a.Name, st.Name)
		if len(st.Phones) > 0 && !slices.ContainsFunc(st.Phones, func(p string) bool { return NormalizePhone(p) == a.Phone }) {
			add("phone", a.Phone, NormalizePhone(st.Phones[0]))
		}
		return out
	}
	add("legal_name", a.LegalName, st.LegalName)
	add("inn", a.INN, st.INN)
	add("kpp", a.KPP, st.KPP)
	add("legal_address", a.LegalAddress, st.LegalAddress)
	return out
}

func (s *Service) conflictRecorded(tx *gorm.DB, accountID int64, d fieldDiff) bool {
	var last Change
	err := tx.Where("account_id = ? AND field = ?", accountID, d.field).Order("id DESC").Limit(1).Find(&last).Error
	return err == nil && last.ID != 0 && last.Source == SourceBitrix24 && !last.Applied && last.NewValue == d.card
}

// History is the account's profile changes, newest first.
func (s *Service) History(ctx context.Context, a Account, limit int) ([]Change, error) {
	var out []Change
	err := s.db.WithContext(ctx).Where("member_id = ? AND account_id = ?", a.MemberID, a.ID).Order("id DESC").Limit(limit).
		Find(&out).Error
	return out, err
}
