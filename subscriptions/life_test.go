package subscriptions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/schedules"
	"b24pay/store"
	"b24pay/store/storetest"
)

// A client agrees, pays the first month with a new card, and is then charged on the 31st-based
// anchor every month for a year, one charge per period, passes running every day (twice).
func TestFullLifeOfAMonthlySubscription(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-31", func(c *Config) { c.RemindDays = 3 })
		in := monthly("2027-01-31")
		in.EndKind, in.EndCount = EndCount, 13
		sub := tb.subscribe(t, in)
		require.Equal(t, "2027-02-28", sub.NextChargeOn)

		day := schedules.NewDate(2027, 1, 31)
		for day.Before(schedules.NewDate(2028, 3, 1)) {
			day = day.AddDays(1)
			tb.at(t, day.String())
			tb.run(t)
			tb.run(t) // a second pass the same day changes nothing
		}

		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusEnded, sub.Status)
		require.Equal(t, 13, sub.PaidCount)
		require.EqualValues(t, 13*99000, sub.PaidMinor)
		require.Equal(t, 12, tb.shop.Charges(sub.PaymentMethodID))

		var starts []string
		for _, c := range tb.charges(t, sub.ID) {
			require.Equal(t, ChargeSucceeded, c.Status)
			require.Equal(t, 1, c.Attempt)
			starts = append(starts, c.PeriodStart)
		}
		require.Equal(t, []string{"2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30",
			"2027-07-31", "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31"}, starts)

		var letters []mail.Letter
		upcoming := 0
		for _, l := range tb.letters(t) {
			if l.Kind == mail.UpcomingCharge {
				upcoming++
				continue
			}
			letters = append(letters, l)
		}
		require.Equal(t, 12, upcoming, "one reminder three days before each charge")
		require.Len(t, letters, 13)
		for _, l := range letters {
			require.Equal(t, mail.Receipt, l.Kind)
			require.Equal(t, "ivan@example.ru", l.To)
			require.Equal(t, "https://pay.example.ru/s/"+sub.PayToken, l.Data.ManageURL)
		}
		require.Equal(t, "28.02.2027", letters[1].Data.ChargeDate)
		require.Equal(t, "31.03.2027", letters[1].Data.NextDate)
		require.Empty(t, letters[12].Data.NextDate, "the last receipt announces no next charge")

		var syncs []outbox.Row
		require.NoError(t, db.Where("topic = ?", TopicB24Sync).Find(&syncs).Error)
		require.Len(t, syncs, 13)
	})
}

// A subscription whose passes stopped for five months is billed once, for the current period.
func TestMonthsBehindBillsOnlyTheCurrentPeriod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.at(t, "2027-06-20")
		tb.run(t)
		cs := tb.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, "2027-06-15", cs[1].PeriodStart)
		require.Equal(t, "2027-07-15", tb.sub(t, sub.ID).NextChargeOn)
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
	})
}

// The gateway charges but its answer is lost: the charge stays unknown, and the next pass repeats
// the same request under the same key, which returns the original payment — one charge.
func TestLostAnswerIsLookedUpNotChargedTwice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.at(t, "2027-02-15")
		tb.shop.FailNext(1, 500, true)
		tb.run(t)
		c := tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeUnknown, c.Status)
		require.Equal(t, StatusActive, tb.sub(t, sub.ID).Status)

		tb.clock.Advance(tb.svc.cfg.Lease + time.Second) // the lease of the first pass runs out
		tb.run(t)
		c = tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeSucceeded, c.Status)
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
		require.Equal(t, "2027-03-15", tb.sub(t, sub.ID).NextChargeOn)
	})
}

func TestCancelAtPeriodEndChargesNothingMore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.at(t, "2027-01-20")
		_, err := tb.svc.Cancel(t.Context(), member, sub.ID, true)
		require.NoError(t, err)
		require.Equal(t, StatusActive, tb.sub(t, sub.ID).Status, "the paid period runs to its end")
		tb.at(t, "2027-02-15")
		tb.run(t)
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusCancelled, sub.Status)
		require.Equal(t, 0, tb.shop.Charges(sub.PaymentMethodID))
		require.Len(t, tb.charges(t, sub.ID), 1)
		require.Equal(t, []mail.Kind{mail.Receipt, mail.SubscriptionCancelled}, tb.kinds(t))
		tb.at(t, "2027-03-15")
		tb.run(t)
		require.Equal(t, 0, tb.shop.Charges(sub.PaymentMethodID))
	})
}

func TestCancelNow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		_, err := tb.svc.Cancel(t.Context(), member, sub.ID, false)
		require.NoError(t, err)
		require.Equal(t, StatusCancelled, tb.sub(t, sub.ID).Status)
		_, err = tb.svc.Cancel(t.Context(), "other-portal", sub.ID, false)
		require.ErrorIs(t, err, ErrNotFound)
		_, err = tb.svc.Resume(t.Context(), member, sub.ID)
		require.ErrorIs(t, err, ErrIllegalTransition)
	})
}

// The client's own cancellation keeps an active subscription to the end of the paid period.
func TestClientCancelsFromTheirLink(t *testing.T) {
	t.Parallel()
	tb := setup(t, storetest.New(t, store.SQLite), "2027-01-15")
	sub := tb.subscribe(t, monthly("2027-01-15"))
	got, err := tb.svc.CancelByToken(t.Context(), sub.PayToken)
	require.NoError(t, err)
	require.Equal(t, StatusActive, got.Status)
	require.True(t, got.CancelAtPeriodEnd)
	_, err = tb.svc.CancelByToken(t.Context(), "no-such-token")
	require.ErrorIs(t, err, ErrNotFound)
}

// A lost answer still unresolved after the gateway forgot the key is never re-sent under it (that
// would be a new payment); the charge waits for a person.
func TestUnknownChargeIsNotResentAfterTheKeyExpires(t *testing.T) {
	t.Parallel()
	tb := setup(t, storetest.New(t, store.SQLite), "2027-01-15")
	sub := tb.subscribe(t, monthly("2027-01-15"))
	tb.at(t, "2027-02-15")
	tb.shop.FailNext(1, 500, true)
	tb.run(t)
	tb.clock.Advance(25 * time.Hour)
	rep, err := tb.svc.RunDue(t.Context(), tb.clock.Now())
	require.NoError(t, err)
	require.EqualValues(t, 1, rep.Errors)
	require.Equal(t, ChargeUnknown, tb.charges(t, sub.ID)[1].Status)
	require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
}
