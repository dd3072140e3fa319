package subscriptions

import (
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// Anchor 31 January: the 28 February period falls in the pause and is never billed; after the
// resume the anchor is kept, so the next charge is on 31 March (not the 28th).
func TestPauseAndResumeAcrossMonthEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-31")
		sub := tb.subscribe(t, monthly("2027-01-31"))

		tb.at(t, "2027-02-05")
		_, err := tb.svc.Pause(t.Context(), PauseInput{MemberID: member, ID: sub.ID, From: "2027-02-05", Until: "2027-03-20"})
		require.NoError(t, err)
		require.Equal(t, StatusPaused, tb.sub(t, sub.ID).Status)

		for _, day := range []string{"2027-02-28", "2027-03-01", "2027-03-10"} {
			tb.at(t, day)
			tb.run(t)
		}
		require.Equal(t, 0, tb.shop.Charges(sub.PaymentMethodID))

		_, err = tb.svc.Resume(t.Context(), member, sub.ID)
		require.NoError(t, err)
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusActive, sub.Status)
		require.Equal(t, "2027-03-31", sub.NextChargeOn)

		tb.at(t, "2027-03-31")
		tb.run(t)
		cs := tb.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, "2027-03-31", cs[1].PeriodStart)
		require.Equal(t, ChargeSucceeded, cs[1].Status)
		require.Equal(t, "2027-04-30", tb.sub(t, sub.ID).NextChargeOn)
	})
}

// A pause that simply runs out resumes by itself on the next pass.
func TestPauseEndsByItself(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-31")
		sub := tb.subscribe(t, monthly("2027-01-31"))
		_, err := tb.svc.Pause(t.Context(), PauseInput{MemberID: member, ID: sub.ID, From: "2027-02-01", Until: "2027-02-28"})
		require.NoError(t, err)
		_, err = tb.svc.Pause(t.Context(), PauseInput{MemberID: member, ID: sub.ID, From: "2027-03-01", Until: "2027-02-01"})
		require.ErrorIs(t, err, ErrInvalidInput)
		for _, day := range []string{"2027-02-28", "2027-03-31"} {
			tb.at(t, day)
			tb.run(t)
		}
		cs := tb.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, "2027-03-31", cs[1].PeriodStart)
		require.Equal(t, StatusActive, tb.sub(t, sub.ID).Status)
	})
}
