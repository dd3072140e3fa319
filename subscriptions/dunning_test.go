package subscriptions

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/billing/yookassa"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// A soft decline starts dunning (+1, +3, +5 days); the client replaces the card from the e-mail's
// link, pays the period with the new card, and the next period is charged to it.
func TestDeclineDunningThenRecoveryWithANewCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		oldCard := sub.PaymentMethodID
		tb.shop.SetMethodDecline(oldCard, yookassa.ReasonInsufficientFunds)

		tb.at(t, "2027-02-15")
		tb.run(t)
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusPastDue, sub.Status)
		require.Equal(t, "2027-02-16", sub.NextChargeOn)
		c := tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeFailed, c.Status)
		require.Equal(t, yookassa.ReasonInsufficientFunds, c.DeclineReason)
		tb.run(t) // nothing more today
		require.Equal(t, 1, tb.shop.Charges(oldCard))

		tb.at(t, "2027-02-16")
		tb.run(t)
		c = tb.charges(t, sub.ID)[1]
		require.Equal(t, 2, c.Attempt)
		require.Equal(t, "2027-02-18", c.NextAttemptOn)
		require.Equal(t, 2, tb.shop.Charges(oldCard))

		letters := tb.letters(t)
		require.Equal(t, []mail.Kind{mail.Receipt, mail.PaymentFailed, mail.DunningReminder}, tb.kinds(t))
		require.Equal(t, "https://pay.example.ru/s/"+sub.PayToken+"/card", letters[1].Data.PayURL)
		require.Equal(t, "16.02.2027", letters[1].Data.RetryDate)
		require.Equal(t, "недостаточно средств на карте", letters[1].Data.Reason)
		var notes []outbox.Row
		require.NoError(t, db.Where("topic = ?", TopicNotifyManager).Find(&notes).Error)
		require.Len(t, notes, 1, "the manager hears of the first failure once")

		url, err := tb.svc.ReplaceCard(context.Background(), sub.PayToken, "")
		require.NoError(t, err)
		require.Contains(t, url, "yoomoney.ru")
		tb.payPending(t, c.ID)
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusActive, sub.Status)
		require.NotEqual(t, oldCard, sub.PaymentMethodID)
		require.Equal(t, "2027-03-15", sub.NextChargeOn)
		require.Equal(t, 0, sub.DunningStep)

		tb.at(t, "2027-02-18") // the old retry day: nothing happens
		tb.run(t)
		tb.at(t, "2027-03-15")
		tb.run(t)
		require.Equal(t, 2, tb.shop.Charges(oldCard))
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
		require.Equal(t, ChargeSucceeded, tb.charges(t, sub.ID)[2].Status)
	})
}

// The client starts paying the owed period with a new card, cancels the subscription, then
// completes the payment: the money is booked on the charge (it was taken), the subscription stays
// cancelled with its old card, and nothing more is charged.
func TestPaymentCompletedAfterCancelIsBookedAndTheSubscriptionStaysCancelled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		oldCard := sub.PaymentMethodID
		tb.shop.SetMethodDecline(oldCard, yookassa.ReasonInsufficientFunds)
		tb.at(t, "2027-02-15")
		tb.run(t)
		c := tb.charges(t, sub.ID)[1]
		_, err := tb.svc.ReplaceCard(context.Background(), sub.PayToken, "")
		require.NoError(t, err)
		_, err = tb.svc.Cancel(t.Context(), member, sub.ID, false)
		require.NoError(t, err)
		tb.payPending(t, c.ID)

		require.Equal(t, ChargeSucceeded, tb.charges(t, sub.ID)[1].Status, "the money the client paid is booked")
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusCancelled, sub.Status)
		require.Equal(t, oldCard, sub.PaymentMethodID)
		require.Equal(t, 2, sub.PaidCount)
		tb.at(t, "2027-03-15")
		tb.run(t)
		require.Len(t, tb.charges(t, sub.ID), 2, "nothing is charged after the cancel")
	})
}

// Soft declines every time: three retries, then the subscription is suspended (default) and
// nothing more is charged.
func TestDunningRunsOutAndSuspends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.SetMethodDecline(sub.PaymentMethodID, yookassa.ReasonGeneralDecline)
		for _, day := range []string{"2027-02-15", "2027-02-16", "2027-02-17", "2027-02-18", "2027-02-20", "2027-02-25", "2027-03-15"} {
			tb.at(t, day)
			tb.run(t)
		}
		require.Equal(t, StatusSuspended, tb.sub(t, sub.ID).Status)
		require.Equal(t, 4, tb.shop.Charges(sub.PaymentMethodID), "first try + 3 retries")
		require.Len(t, tb.charges(t, sub.ID), 2, "no charge for March while suspended")
	})
}

// A hard decline (expired card) is not retried; at the end of the schedule the subscription is
// cancelled when so configured, and the unpaid charge is void.
func TestHardDeclineIsNotRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15", func(c *Config) { c.AfterDunning = AfterDunningCancel })
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.SetMethodDecline(sub.PaymentMethodID, yookassa.ReasonCardExpired)
		tb.at(t, "2027-02-15")
		tb.run(t)
		c := tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeDeclined, c.Status)
		require.Empty(t, c.NextAttemptOn)
		sub = tb.sub(t, sub.ID)
		require.Equal(t, StatusPastDue, sub.Status)
		require.Equal(t, "2027-02-20", sub.NextChargeOn, "the client may still pay until the schedule ends")
		letters := tb.letters(t)
		require.Equal(t, mail.PaymentFailed, letters[1].Kind)
		require.Empty(t, letters[1].Data.RetryDate)

		for _, day := range []string{"2027-02-16", "2027-02-18", "2027-02-20"} {
			tb.at(t, day)
			tb.run(t)
		}
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID))
		require.Equal(t, StatusCancelled, tb.sub(t, sub.ID).Status)
		require.Equal(t, ChargeVoid, tb.charges(t, sub.ID)[1].Status)
		require.Equal(t, mail.SubscriptionCancelled, tb.kinds(t)[2])
	})
}

// A crash in ReplaceCard after the new attempt is committed but before its payment is created
// must not stall dunning: the pass creates the payment, and when the client never pays it expires
// and the retries go on.
func TestCrashedCardReplacementDoesNotStallDunning(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.SetMethodDecline(sub.PaymentMethodID, yookassa.ReasonInsufficientFunds)
		tb.at(t, "2027-02-15")
		tb.run(t)
		c := tb.charges(t, sub.ID)[1]
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error { return tb.svc.retryCharge(tx, &c, sub, true, "", tb.clock.Now()) }))

		tb.at(t, "2027-02-16")
		tb.run(t)
		c = tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargePending, c.Status)
		require.NotEmpty(t, c.ProviderRef, "the client's payment is created")
		require.NoError(t, tb.shop.Decline(c.ProviderRef, yookassa.ReasonExpiredOnConfirmation))

		tb.clock.Advance(tb.svc.cfg.Lease + time.Second)
		tb.run(t)
		c = tb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeFailed, c.Status)
		require.Equal(t, "2027-02-18", c.NextAttemptOn)
		require.Equal(t, StatusPastDue, tb.sub(t, sub.ID).Status)
	})
}
