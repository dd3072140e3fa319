package app

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/subscriptions"
)

// The bank declines the renewal: the subscription is past due and the cabinet offers to pay with
// a new card. The client pays on the provider's page, comes back and sees the subscription active;
// the new card replaces the old one, which is never charged again.
func TestCabinetPayWithANewCardRecoversAPastDueSubscription(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		w := newCabinetWithSubscription(t, dialect)
		base := "/cabinet/subscriptions/" + w.id
		old := w.sub(t)
		require.NotContains(t, w.owner.get("/cabinet/subscriptions").body, base+"/card", "nothing owed, no new card")

		w.shop.SetMethodDecline(old.PaymentMethodID, "insufficient_funds")
		w.clock.Set(time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC))
		_, err := w.app.recur.subs.RunDue(t.Context(), w.clock.Now())
		require.NoError(t, err)
		require.Equal(t, subscriptions.StatusPastDue, w.sub(t).Status)
		require.Equal(t, 1, w.shop.Charges(old.PaymentMethodID))

		w.owner = w.signedInAgain(t, "anna@romashka.ru") // a month later: the old session has expired
		require.Contains(t, w.owner.get("/cabinet/subscriptions").body, `action="`+base+`/card"`)
		sent := w.owner.post(base+"/card", url.Values{})
		require.Equal(t, http.StatusSeeOther, sent.status)
		require.Contains(t, sent.location, "yoomoney.ru")
		var ref string
		require.NoError(t, w.db.Table("subscription_charges").Where("subscription_id = ? AND seq = 1", old.ID).
			Select("provider_ref").Scan(&ref).Error)
		require.NotEmpty(t, ref)
		_, err = w.shop.Pay(ref)
		require.NoError(t, err)
		w.shop.Wait()

		// The provider's page sends the client back to the cabinet, which reads the payment back.
		var back string
		require.NoError(t, w.db.Table("subscription_charges").Where("subscription_id = ? AND seq = 1", old.ID).
			Select("return_url").Scan(&back).Error)
		require.Equal(t, w.url+base+"/done", back)
		done := w.owner.get(base + "/done")
		require.Equal(t, http.StatusSeeOther, done.status)
		require.Equal(t, "/cabinet/subscriptions?notice=sub_paid#sub-"+w.id, done.location)

		sub := w.sub(t)
		require.Equal(t, subscriptions.StatusActive, sub.Status)
		require.NotEqual(t, old.PaymentMethodID, sub.PaymentMethodID, "the new card replaces the old one")
		require.NotEmpty(t, sub.PaymentMethodID)
		require.Zero(t, sub.DunningStep)
		page := w.owner.get("/cabinet/subscriptions").body
		require.Contains(t, page, "Действует")
		require.NotContains(t, page, base+"/card")

		// The next period is charged to the new card only.
		w.clock.Set(time.Date(2027, 1, 22, 7, 0, 0, 0, time.UTC))
		_, err = w.app.recur.subs.RunDue(t.Context(), w.clock.Now())
		require.NoError(t, err)
		require.Equal(t, 1, w.shop.Charges(old.PaymentMethodID))
		require.Equal(t, 1, w.shop.Charges(sub.PaymentMethodID))
		require.Equal(t, 3, w.sub(t).PaidCount)
		w.drain()
	})
}
