package app

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/subscriptions"
)

// TestCabinetRouteChangeInBrowser: the client opens «Сменить способ оплаты», ticks the consent
// for SBP and sends the form (the answer's redirect to the SBP link is not followed: that is the
// bank's page), sees the switch waiting, pays in the bank and checks: the subscription is paid by
// SBP. Pages kept at phone and desktop widths; none scrolls sideways at 360 px.
func TestCabinetRouteChangeInBrowser(t *testing.T) {
	t.Parallel()
	w := newCabinetWithSubscription(t, store.SQLite, withSBPSubscriptions(t))
	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/cabinet/login"),
		chromedp.SetValue(chromedp.CSS(`#f-email`), "anna@romashka.ru"),
		chromedp.SetValue(chromedp.CSS(`#f-password`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cab-tiles`)),
		chromedp.Navigate(w.url+"/cabinet/subscriptions"),
		chromedp.Click(chromedp.CSS(`#route-`+w.id+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#consent-`+w.id+`-sbp`)),
		chromedp.Click(chromedp.CSS(`label[for="consent-`+w.id+`-sbp"]`))))
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("consent-`+w.id+`-sbp").checked`))
	require.NoError(t, err)
	require.True(t, checked, "the label ticks the box")
	cabinetShots(t, ctx, "cabinet-subscription-route")

	sent, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const f = document.querySelector('#route-`+w.id+` form');
		return fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f)), redirect: 'manual'}).then(r => r.type);
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, "opaqueredirect", sent, "the form answers with a redirect to the SBP link")
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.cab-switching`))))
	require.Contains(t, pageText(t, ctx), "Смена способа оплаты на «СБП» ждёт оплаты")
	cabinetShots(t, ctx, "cabinet-subscription-route-waiting")

	_, err = w.bank.Pay("sc-"+w.id+"-1-a1", decimal.NewFromInt(990))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.cab-switching a.cab-btn-ghost`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.cab-switching`)), chromedp.WaitVisible(chromedp.CSS(`p.cab-notice`))))
	require.Contains(t, pageText(t, ctx), "дальше подписка оплачивается новым способом")
	require.Equal(t, subscriptions.RouteSBP, w.sub(t).Route)
	cabinetShots(t, ctx, "cabinet-subscription-route-changed")
}
