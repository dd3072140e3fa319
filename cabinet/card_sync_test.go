package cabinet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

func (b *testBundle) history(a Account) []Change {
	b.t.Helper()
	h, err := b.svc.History(b.ctx, a, 50)
	require.NoError(b.t, err)
	return h
}

// A manager's edit of the card newer than the client's last edit updates the profile; an older
// one (a late event, a re-sync after a failed push) loses: the profile stays, both values are in
// the history once, and the cabinet's values are written to the card again.
func TestCardEditsFlowBackAndTheMostRecentChangeWins(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		a := b.registered("a@example.ru")
		require.True(t, a.Shows())

		// The manager renames the contact and adds a phone: newer than anything the client did.
		b.clock.Advance(time.Hour)
		b.cards.state = CardState{Name: "Иван Петрович Петров", Phones: []string{"8 (900) 555-00-11"}, Modified: b.clock.Now()}
		require.NoError(t, b.svc.SyncFromCard(b.ctx, member, a.Card()))
		got, err := b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, "Иван Петрович Петров", got.Name)
		require.Equal(t, "+79005550011", got.Phone)
		h := b.history(got)
		require.Len(t, h, 2)
		for _, c := range h {
			require.Equal(t, SourceBitrix24, c.Source)
			require.True(t, c.Applied)
		}
		require.NoError(t, b.svc.SyncFromCard(b.ctx, member, a.Card()))
		require.Len(t, b.history(got), 2, "the same card again changes nothing")

		// The client edits the name later; the card still says the manager's older value
		// (its event arrives late).
		b.clock.Advance(time.Hour)
		p := got.Profile()
		p.Name = "Иван Петров"
		b.cards.updated = nil
		got, err = b.svc.UpdateProfile(b.ctx, got, p)
		require.NoError(t, err)
		require.Len(t, b.cards.updated, 1, "the edit is written to the card")
		b.cards.updated = nil
		require.NoError(t, b.svc.SyncFromCard(b.ctx, member, a.Card()))
		require.NoError(t, b.svc.SyncFromCard(b.ctx, member, a.Card()))
		got, err = b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, "Иван Петров", got.Name, "the client's more recent edit stays")
		require.Len(t, b.cards.updated, 2, "and is written to the card again")
		h = b.history(got)
		require.Len(t, h, 4, "one row for the losing card value, however often it is read")
		require.Equal(t, Change{MemberID: member, AccountID: a.ID, Source: SourceBitrix24, Field: "name",
			OldValue: "Иван Петров", NewValue: "Иван Петрович Петров", Applied: false, At: h[0].At, ID: h[0].ID}, h[0])
		require.Equal(t, SourceCabinet, h[1].Source)
		require.Equal(t, "Иван Петрович Петров", h[1].OldValue)
		require.Equal(t, "Иван Петров", h[1].NewValue)
	})
}

// Only the profile that mirrors the card follows it: a colleague of another kind stays as is.
func TestCardEditsSkipAnAccountOfAnotherKind(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		a := b.registered("a@example.ru")
		require.NoError(t, db.Model(&Account{}).Where("id = ?", a.ID).Update("b24_type", CardCompany).Error)
		b.cards.state = CardState{LegalName: "ООО «Другое»", Modified: b.clock.Now().Add(time.Hour)}
		require.NoError(t, b.svc.SyncFromCard(b.ctx, member, Card{Type: CardCompany, ID: a.B24ID}))
		got, err := b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.LegalName, got.LegalName)
		require.Empty(t, b.history(got))
	})
}

// The periodic re-sync reads the cards even when their events were lost.
func TestResyncCardsCatchesALostEvent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		a := b.registered("a@example.ru")
		b.cards.state = CardState{Name: "Пётр Петров", Modified: b.clock.Now().Add(time.Minute)}
		require.NoError(t, b.svc.ResyncCards(b.ctx, b.clock.Now()))
		got, err := b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, "Пётр Петров", got.Name)
		b.cards.fail = errTest
		require.ErrorIs(t, b.svc.ResyncCards(b.ctx, b.clock.Now()), errTest)
	})
}
