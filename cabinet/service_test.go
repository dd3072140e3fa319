package cabinet

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/mail"
	"b24pay/store"
	"b24pay/store/storetest"
)

func TestRegisterVerifySignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		require.NoError(t, b.svc.Register(b.ctx, member, person("Ivan@Example.ru"), "198.51.100.1"))
		_, _, err := b.svc.SignIn(b.ctx, member, "ivan@example.ru", "correct horse battery", "198.51.100.1")
		require.ErrorIs(t, err, ErrNotVerified)

		a, err := b.svc.Verify(b.ctx, b.tokenIn("ivan@example.ru"))
		require.NoError(t, err)
		require.True(t, a.Verified())
		require.Equal(t, "+79001234567", a.Phone)
		require.Equal(t, Card{Type: CardContact, ID: 101, Own: true}, a.Card(), "matched to a Bitrix24 card at verification")
		require.True(t, a.Shows())

		raw, signed, err := b.svc.SignIn(b.ctx, member, " IVAN@example.ru", "correct horse battery", "198.51.100.1")
		require.NoError(t, err)
		require.Equal(t, a.ID, signed.ID)
		got, err := b.svc.Session(b.ctx, raw)
		require.NoError(t, err)
		require.Equal(t, a.ID, got.ID)
		var stored session
		require.NoError(t, db.Take(&stored).Error)
		require.NotEqual(t, raw, stored.IDHash, "only the hash of the session id is stored")

		require.NoError(t, b.svc.SignOut(b.ctx, raw))
		_, err = b.svc.Session(b.ctx, raw)
		require.ErrorIs(t, err, ErrNoSession)
	})
}

func TestVerifyLinkWorksOnceAndExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		require.NoError(t, b.svc.Register(b.ctx, member, person("a@example.ru"), "198.51.100.1"))
		tok := b.tokenIn("a@example.ru")
		_, err := b.svc.Verify(b.ctx, tok)
		require.NoError(t, err)
		_, err = b.svc.Verify(b.ctx, tok)
		require.ErrorIs(t, err, ErrBadLink)

		require.NoError(t, b.svc.Register(b.ctx, member, person("b@example.ru"), "198.51.100.1"))
		b.clock.Advance(48 * time.Hour)
		_, err = b.svc.Verify(b.ctx, b.tokenIn("b@example.ru"))
		require.ErrorIs(t, err, ErrBadLink)
	})
}

func TestConcurrentVerifyUsesTheLinkOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		require.NoError(t, b.svc.Register(b.ctx, member, person("a@example.ru"), "198.51.100.1"))
		tok := b.tokenIn("a@example.ru")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, errs[i] = b.svc.Verify(b.ctx, tok) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		require.Equal(t, 1, ok, "%v", errs)
		require.Len(t, b.cards.matched, 1, "one card for one account")
	})
}

func TestRegisterAnswersTheSameForAKnownEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		again := person("A@example.ru")
		again.Password = "another long password"
		require.NoError(t, b.svc.Register(b.ctx, member, again, "198.51.100.2"), "no hint that the address is taken")
		require.Equal(t, mail.CabinetRegistered, b.lastTo("a@example.ru").Kind)
		_, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "another long password", "198.51.100.2")
		require.ErrorIs(t, err, ErrBadCredentials, "the second registration changed nothing")

		require.NoError(t, b.svc.Register(b.ctx, "member-b", person("a@example.ru"), "198.51.100.2"),
			"another portal's clients are separate")
	})
}

func TestSignInAnswersTheSameForUnknownEmailAndWrongPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		_, _, unknown := b.svc.SignIn(b.ctx, member, "nobody@example.ru", "correct horse battery", "198.51.100.1")
		_, _, wrong := b.svc.SignIn(b.ctx, member, "a@example.ru", "wrong password!", "198.51.100.1")
		require.ErrorIs(t, unknown, ErrBadCredentials)
		require.ErrorIs(t, wrong, ErrBadCredentials)
		_, _, other := b.svc.SignIn(b.ctx, "member-b", "a@example.ru", "correct horse battery", "198.51.100.1")
		require.ErrorIs(t, other, ErrBadCredentials, "an account of another portal")
	})
}

func TestSignInIsThrottledPerAccountAndPerIP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		for i := range DefaultLimits.SignInAccount.Max {
			_, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "guess", "203.0.113."+itoa(i))
			require.ErrorIs(t, err, ErrBadCredentials)
		}
		_, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "203.0.113.200")
		require.ErrorIs(t, err, ErrThrottled, "the account is locked from every address, even with the right password")
		b.clock.Advance(DefaultLimits.SignInAccount.Window)
		_, _, err = b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "203.0.113.200")
		require.NoError(t, err, "the window passed")

		for i := range DefaultLimits.SignInIP.Max {
			_, _, err := b.svc.SignIn(b.ctx, member, "user"+itoa(i)+"@example.ru", "guess", "192.0.2.9")
			require.ErrorIs(t, err, ErrBadCredentials)
		}
		_, _, err = b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "192.0.2.9")
		require.ErrorIs(t, err, ErrThrottled, "one address spraying many accounts")
	})
}

func TestSignInFailuresAreForgottenAfterSuccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		for range DefaultLimits.SignInAccount.Max - 1 {
			_, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "typo", "198.51.100.1")
			require.ErrorIs(t, err, ErrBadCredentials)
		}
		_, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "198.51.100.1")
		require.NoError(t, err)
		_, _, err = b.svc.SignIn(b.ctx, member, "a@example.ru", "typo", "198.51.100.1")
		require.ErrorIs(t, err, ErrBadCredentials, "not throttled: the count restarted")
	})
}

func TestRegistrationAndResetAreThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		for i := range DefaultLimits.RegisterIP.Max {
			require.NoError(t, b.svc.Register(b.ctx, member, person("u"+itoa(i)+"@example.ru"), "192.0.2.1"))
		}
		require.ErrorIs(t, b.svc.Register(b.ctx, member, person("late@example.ru"), "192.0.2.1"), ErrThrottled)

		for range DefaultLimits.ResetAccount.Max {
			require.NoError(t, b.svc.RequestReset(b.ctx, member, "u1@example.ru", "192.0.2.2"))
		}
		require.ErrorIs(t, b.svc.RequestReset(b.ctx, member, "u1@example.ru", "192.0.2.3"), ErrThrottled)
		require.NoError(t, b.svc.RequestReset(b.ctx, member, "nobody@example.ru", "192.0.2.3"),
			"an unknown address gets the same answer")
	})
}

func TestPasswordResetEndsSessionsAndWorksOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		raw, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "198.51.100.1")
		require.NoError(t, err)
		sent := len(b.letters())
		require.NoError(t, b.svc.RequestReset(b.ctx, member, "nobody@example.ru", "198.51.100.1"))
		require.Len(t, b.letters(), sent, "nothing is mailed to an unknown address")

		require.NoError(t, b.svc.RequestReset(b.ctx, member, "a@example.ru", "198.51.100.1"))
		tok := b.tokenIn("a@example.ru")
		require.Contains(t, FieldErrors(b.svc.ResetPassword(b.ctx, tok, "short")), "password")
		require.NoError(t, b.svc.ResetPassword(b.ctx, tok, "a brand new passphrase"))
		require.ErrorIs(t, b.svc.ResetPassword(b.ctx, tok, "yet another passphrase"), ErrBadLink)

		_, err = b.svc.Session(b.ctx, raw)
		require.ErrorIs(t, err, ErrNoSession, "the old session ended with the reset")
		_, _, err = b.svc.SignIn(b.ctx, member, "a@example.ru", "a brand new passphrase", "198.51.100.1")
		require.NoError(t, err)
	})
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.registered("a@example.ru")
		raw, _, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "198.51.100.1")
		require.NoError(t, err)
		b.clock.Advance(24 * time.Hour)
		_, err = b.svc.Session(b.ctx, raw)
		require.ErrorIs(t, err, ErrNoSession)
	})
}

func TestInvitedClientIsMatchedToTheManagersCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		link, err := b.svc.Invite(b.ctx, member, Card{Type: CardCompany, ID: 42}, Recipient{Email: "office@romashka.ru", Name: "ООО «Ромашка»"})
		require.NoError(t, err)
		sent := b.lastTo("office@romashka.ru")
		require.Equal(t, mail.CabinetInvite, sent.Kind)
		require.Equal(t, link, sent.Data.Link, "the invitation is mailed to the card's e-mail")
		require.Equal(t, "14 дней", sent.Data.LinkValid)
		_, err = b.svc.Invite(b.ctx, member, Card{Type: CardCompany, ID: 42}, Recipient{})
		require.NoError(t, err)
		require.Len(t, b.letters(), 1, "no e-mail without an address")
		inv := link[len("https://cab.example.ru/cabinet/register?invite="):]
		require.True(t, b.svc.Invited(b.ctx, member, inv))
		require.False(t, b.svc.Invited(b.ctx, "member-b", inv), "another portal's link")

		in := person("boss@example.ru")
		in.Invite = inv
		require.NoError(t, b.svc.Register(b.ctx, member, in, "198.51.100.1"))
		a, err := b.svc.Verify(b.ctx, b.tokenIn("boss@example.ru"))
		require.NoError(t, err)
		require.Equal(t, Card{Type: CardCompany, ID: 42, Own: true}, a.Card())
		require.Empty(t, b.cards.matched, "no search: the manager said which card")

		again := person("second@example.ru")
		again.Invite = inv
		require.Contains(t, FieldErrors(b.svc.Register(b.ctx, member, again, "198.51.100.1")), "invite", "one registration per link")
	})
}

func TestCardMatchFailureIsRetriedAtSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.cards.fail = errTest
		a := b.registered("a@example.ru")
		require.Zero(t, a.B24ID)
		b.cards.fail = nil
		_, a, err := b.svc.SignIn(b.ctx, member, "a@example.ru", "correct horse battery", "198.51.100.1")
		require.NoError(t, err)
		require.NotZero(t, a.B24ID)
		stored, err := b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.Card(), stored.Card())
	})
}

func TestUpdateProfileKeepsEmailAndWritesTheCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		a := b.registered("a@example.ru")
		p := a.Profile()
		p.Email, p.Name, p.Phone = "evil@example.ru", "Иван Сидоров", "+7 901 000 00 00"
		_, err := b.svc.UpdateProfile(b.ctx, a, p)
		require.NoError(t, err)
		stored, err := b.svc.Account(b.ctx, member, a.ID)
		require.NoError(t, err)
		require.Equal(t, "a@example.ru", stored.Email)
		require.Equal(t, "Иван Сидоров", stored.Name)
		require.Equal(t, "+79010000000", stored.Phone)
		require.Equal(t, []Card{a.Card()}, b.cards.updated)
	})
}

func TestACardFoundByPhoneIsNeitherShownNorEdited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		b.cards.byPhone = true
		a := b.registered("a@example.ru")
		require.NotZero(t, a.B24ID, "kept for sync")
		require.False(t, a.Shows(), "a phone anyone may type is no proof")
		p := a.Profile()
		p.Name = "Захватчик"
		_, err := b.svc.UpdateProfile(b.ctx, a, p)
		require.NoError(t, err)
		require.Empty(t, b.cards.updated, "the card is not the client's to edit")
	})
}
