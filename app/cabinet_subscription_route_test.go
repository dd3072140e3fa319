package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/subscriptions"
)

// The client moves their card subscription to SBP from the cabinet: they tick the consent for
// SBP, pay the next period early by the SBP link, come back and see it paid by SBP; the next
// period is debited from the SBP binding, the card never again.
func TestCabinetClientSwitchesTheirSubscriptionToSBP(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		w := newCabinetWithSubscription(t, dialect, withSBPSubscriptions(t))
		base := "/cabinet/subscriptions/" + w.id
		card := w.sub(t).PaymentMethodID

		page := w.owner.get("/cabinet/subscriptions").body
		require.Contains(t, page, "Банковская карта •••• 4444")
		require.Contains(t, page, `action="`+base+`/route"`)
		require.Contains(t, page, "Сменить способ оплаты")
		require.Contains(t, page, "с моего банковского счёта через СБП")
		require.Contains(t, page, "Оплатите следующий платёж за период с 22.12.2026")

		forged := w.owner.post(base+"/route", url.Values{"csrf": {"AAAA"}, "route": {"sbp"}, "consent": {"1"}})
		require.Equal(t, http.StatusForbidden, forged.status)
		w.owner.get("/cabinet/subscriptions")
		bare := w.owner.post(base+"/route", url.Values{"route": {"sbp"}})
		require.Equal(t, http.StatusUnprocessableEntity, bare.status)
		require.Contains(t, bare.body, "подтвердите согласие на списания новым способом")
		require.Zero(t, w.chargesOf(t, 1), "nothing is opened without consent")

		sent := w.owner.post(base+"/route", url.Values{"route": {"sbp"}, "consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, sent.status)
		require.True(t, strings.HasPrefix(sent.location, "https://qr.nspk.ru/"), sent.location)
		page = w.owner.get("/cabinet/subscriptions").body
		require.Contains(t, page, "Смена способа оплаты на «СБП» ждёт оплаты")
		require.NotContains(t, page, `action="`+base+`/route"`, "one switch at a time")
		again := w.owner.post(base+"/route", url.Values{"route": {"sbp"}, "consent": {"1"}})
		require.Equal(t, sent.location, again.location, "the form sent twice: the same payment")
		require.Equal(t, 1, w.chargesOf(t, 1))

		waiting := w.owner.get(base + "/done")
		require.Equal(t, "/cabinet/subscriptions?notice=pay_wait#sub-"+w.id, waiting.location)
		binding := "sc-" + w.id + "-1-a1"
		_, err := w.bank.Pay(binding, decimal.NewFromInt(990))
		require.NoError(t, err)
		done := w.owner.get(base + "/done")
		require.Equal(t, "/cabinet/subscriptions?notice=route_changed#sub-"+w.id, done.location)
		sub := w.sub(t)
		require.Equal(t, subscriptions.RouteSBP, sub.Route)
		require.Equal(t, binding, sub.PaymentMethodID)
		page = w.owner.get("/cabinet/subscriptions?notice=route_changed").body
		require.Contains(t, page, "дальше подписка оплачивается новым способом")
		require.Contains(t, page, "<dd>СБП</dd>")
		require.Contains(t, page, `action="`+base+`/route"`, "and back to a card, if the client wishes")

		// 22 December is paid already; 22 January is debited by SBP.
		for _, at := range []time.Time{time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC), time.Date(2027, 1, 22, 7, 0, 0, 0, time.UTC)} {
			w.clock.Set(at)
			_, err = w.app.recur.subs.RunDue(t.Context(), w.clock.Now())
			require.NoError(t, err)
		}
		require.Equal(t, 1, w.bank.Charges(binding))
		require.Zero(t, w.shop.Charges(card))
		require.Equal(t, 3, w.sub(t).PaidCount)
		w.drain()
	})
}

// chargesOf counts the charges of period seq of the subscription.
func (w *cabinetWithSubscription) chargesOf(t *testing.T, seq int) int {
	var n int64
	require.NoError(t, w.db.Table("subscription_charges").Where("subscription_id = ? AND seq = ?", w.id, seq).Count(&n).Error)
	return int(n)
}
