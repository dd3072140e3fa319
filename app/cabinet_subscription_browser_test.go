package app

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/subscriptions"
)

// TestCabinetSubscriptionInBrowser: the client signs in, opens «Подписки», pauses the subscription
// with the date fields, reads its receipt and the company's users page. Pages kept at phone and
// desktop widths.
func TestCabinetSubscriptionInBrowser(t *testing.T) {
	t.Parallel()
	w := newCabinetWithSubscription(t, store.SQLite)
	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/cabinet/login"),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "anna@romashka.ru"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "correct horse battery\r"),
		chromedp.WaitVisible(chromedp.CSS(`.cab-tiles`))))

	card := `#sub-` + w.id
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/cabinet/subscriptions"]`)),
		chromedp.WaitVisible(chromedp.CSS(card))))
	require.Contains(t, pageText(t, ctx), "Действует")
	cabinetShots(t, ctx, "cabinet-subscriptions")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(card+` details.cab-more summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#until-`+w.id)),
		chromedp.SetValue(chromedp.CSS(`#from-`+w.id), "2026-12-10"),
		chromedp.SetValue(chromedp.CSS(`#until-`+w.id), "2026-12-31")))
	cabinetShots(t, ctx, "cabinet-subscription-pause")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(card+` .cab-pause button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cab-notice`))))
	require.Contains(t, pageText(t, ctx), "Подписка приостановлена.")
	require.Contains(t, pageText(t, ctx), "10.12.2026 — 31.12.2026")
	require.Equal(t, subscriptions.StatusPaused, w.sub(t).Status)
	cabinetShots(t, ctx, "cabinet-subscription-paused")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/cabinet/subscriptions/"+w.id+"/charges/0/receipt"),
		chromedp.WaitVisible(chromedp.CSS(`.cab-receipt`))))
	cabinetShots(t, ctx, "cabinet-receipt")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/cabinet/users"), chromedp.WaitVisible(chromedp.CSS(`#f-email`))))
	cabinetShots(t, ctx, "cabinet-users")
}
