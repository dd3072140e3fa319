package app

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/subscriptions"
)

// cabinetWithSubscription is the cabinet harness with the card route, the deal's subscription
// paid for its first period, its company's client signed in and a stranger signed in.
type cabinetWithSubscription struct {
	*cabinetE2E
	owner, stranger *browser
	shop            *yookassafake.Shop
	id              string
}

func newCabinetWithSubscription(t *testing.T, dialect string, opts ...e2eOption) *cabinetWithSubscription {
	var shop *yookassafake.Shop
	e := newCabinetE2E(t, dialect, append(opts, withYooKassa(t, &shop, "127.0.0.1/32"))...)
	_, body := e.paidFirstPeriod(shop)
	require.Equal(t, http.StatusOK, e.postYooKassa(body))
	require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
	var id int64
	require.NoError(t, e.db.Table("subscriptions").Select("id").Scan(&id).Error)
	e.emailOnCompany(t, "anna@romashka.ru")
	return &cabinetWithSubscription{cabinetE2E: e, owner: e.signedIn(t, companyForm("anna@romashka.ru")),
		stranger: e.signedIn(t, strangerForm()), shop: shop, id: itoa(id)}
}

func strangerForm() url.Values {
	return url.Values{"kind": {"person"}, "name": {"Чужой"}, "email": {"mallory@example.ru"}, "phone": {"+79007770000"},
		"password": {"correct horse battery"}}
}

func (w *cabinetWithSubscription) sub(t *testing.T) subscriptions.Subscription {
	var sub subscriptions.Subscription
	require.NoError(t, w.db.Where("id = ?", w.id).Take(&sub).Error)
	return sub
}

// The client sees their subscription with its charges and receipt, pauses it, resumes it and
// cancels it at the period's end and then at once, all through the subscriptions service; a
// stranger neither sees nor touches it.
func TestCabinetClientManagesTheirSubscription(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		w := newCabinetWithSubscription(t, dialect)
		base := "/cabinet/subscriptions/" + w.id

		require.Contains(t, w.owner.get("/cabinet").body, "Ближайшее списание")
		require.NotContains(t, w.stranger.get("/cabinet").body, "Ближайшее списание")
		page := w.owner.get("/cabinet/subscriptions")
		require.Equal(t, http.StatusOK, page.status)
		title := w.sub(t).Title
		require.Contains(t, page.body, title)
		require.Contains(t, page.body, "Действует")
		require.Contains(t, page.body, "Следующее списание")
		require.Contains(t, page.body, "Оплачен")
		receipt := regexp.MustCompile(`href="(` + base + `/charges/0/receipt)"`).FindStringSubmatch(page.body)
		require.NotNil(t, receipt, "the paid first charge has a receipt")

		got := w.owner.get(receipt[1])
		require.Equal(t, http.StatusOK, got.status)
		require.Contains(t, got.body, "Подтверждение оплаты")
		require.Contains(t, got.body, "ООО «Ромашка»")
		dl, err := http.NewRequest(http.MethodGet, w.url+receipt[1]+"?download=1", nil)
		require.NoError(t, err)
		resp, err := w.owner.http.Do(dl)
		require.NoError(t, err)
		resp.Body.Close()
		require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")

		// The stranger: nothing shown, nothing done, no receipt.
		require.NotContains(t, w.stranger.get("/cabinet/subscriptions").body, title)
		require.Equal(t, http.StatusNotFound, w.stranger.get(receipt[1]).status)
		for _, action := range []string{"/pause", "/resume", "/cancel", "/card"} {
			w.stranger.get("/cabinet/subscriptions")
			require.Equal(t, http.StatusNotFound, w.stranger.post(base+action,
				url.Values{"from": {"2026-12-10"}, "until": {"2026-12-31"}, "when": {"now"}}).status, action)
		}
		require.Equal(t, subscriptions.StatusActive, w.sub(t).Status)

		// No form token: refused.
		require.Equal(t, http.StatusForbidden, w.owner.post(base+"/cancel", url.Values{"csrf": {"x"}, "when": {"now"}}).status)

		w.owner.get("/cabinet/subscriptions")
		bad := w.owner.post(base+"/pause", url.Values{"from": {"2026-12-31"}, "until": {"2026-12-10"}})
		require.Equal(t, http.StatusUnprocessableEntity, bad.status)
		require.Contains(t, bad.body, "пауза заканчивается раньше, чем начинается")
		require.Equal(t, subscriptions.StatusActive, w.sub(t).Status)

		ok := w.owner.post(base+"/pause", url.Values{"from": {"2026-12-10"}, "until": {"2026-12-31"}})
		require.Equal(t, http.StatusSeeOther, ok.status)
		require.Equal(t, "/cabinet/subscriptions?notice=paused#sub-"+w.id, ok.location)
		sub := w.sub(t)
		require.Equal(t, subscriptions.StatusPaused, sub.Status)
		require.Equal(t, "2026-12-10", sub.PauseFrom)
		require.Equal(t, "2026-12-31", sub.PauseUntil)
		page = w.owner.get("/cabinet/subscriptions?notice=paused")
		require.Contains(t, page.body, "Подписка приостановлена.")
		require.Contains(t, page.body, "10.12.2026 — 31.12.2026")

		require.Equal(t, http.StatusSeeOther, w.owner.post(base+"/resume", url.Values{}).status)
		require.Equal(t, subscriptions.StatusActive, w.sub(t).Status)

		w.owner.get("/cabinet/subscriptions")
		require.Equal(t, http.StatusSeeOther, w.owner.post(base+"/cancel", url.Values{"when": {"period_end"}}).status)
		sub = w.sub(t)
		require.Equal(t, subscriptions.StatusActive, sub.Status)
		require.True(t, sub.CancelAtPeriodEnd)
		require.Contains(t, w.owner.get("/cabinet/subscriptions").body, "закончится с оплаченным периодом")

		require.Equal(t, http.StatusSeeOther, w.owner.post(base+"/cancel", url.Values{"when": {"now"}}).status)
		require.Equal(t, subscriptions.StatusCancelled, w.sub(t).Status)

		// Resuming a cancelled subscription: the service refuses, the client reads why.
		w.owner.get("/cabinet/subscriptions")
		late := w.owner.post(base+"/resume", url.Values{})
		require.Equal(t, "/cabinet/subscriptions?notice=sub_state#sub-"+w.id, late.location)
		require.Equal(t, subscriptions.StatusCancelled, w.sub(t).Status)
		w.drain()
	})
}

// The charge history (the cabinet's and the tab's) shows what was paid of an invoice paid in part
// and the remainder, and an overpayment.
func TestChargeStatusTextShowsThePaidPart(t *testing.T) {
	t.Parallel()
	charge := func(status string, paid int64) subscriptions.Charge {
		return subscriptions.Charge{Status: status, AmountMinor: 99000, PaidMinor: paid, Currency: "RUB"}
	}
	for _, tc := range []struct {
		name string
		c    subscriptions.Charge
		want string
	}{
		{"Unpaid", charge(subscriptions.ChargeFailed, 0), "Не прошёл, повторим"},
		{"PartlyPaid", charge(subscriptions.ChargeFailed, 40000), "Оплачен частично: 400,00\u00a0₽ из 990,00\u00a0₽, остаток 590,00\u00a0₽"},
		{"PartlyPaidRemainderInvoiced", charge(subscriptions.ChargePending, 40000), "Оплачен частично: 400,00\u00a0₽ из 990,00\u00a0₽, остаток 590,00\u00a0₽"},
		{"Paid", charge(subscriptions.ChargeSucceeded, 99000), "Оплачен"},
		{"Overpaid", charge(subscriptions.ChargeSucceeded, 109000), "Оплачен, переплата 100,00\u00a0₽"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, chargeStatusText(tc.c))
		})
	}
}
