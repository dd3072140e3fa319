package app

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// The manager picks a custom payment time limit (2 hours) in the tab and issues an Invoicebox
// invoice: the order gets that limit; the tab said which limit applied before.
func TestTabCustomTimeLimitInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	_, s := e.payable()
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#time-limit`), in)))
	applies, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#tl-applies`), in))
	require.NoError(t, err)
	require.Contains(t, applies, "Invoicebox: 3 дн. (по умолчанию для Invoicebox)")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#tl-preset`), "д", in), // «другой…»
		chromedp.WaitVisible(chromedp.CSS(`#tl-value`), in),
		chromedp.SendKeys(chromedp.CSS(`#tl-value`), "2", in),
		chromedp.SendKeys(chromedp.CSS(`#tl-unit`), "ч", in), // «часов»
	))
	applies, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#tl-applies`), in))
	require.NoError(t, err)
	require.Contains(t, applies, "Invoicebox: 2 часов (выбран для этого счёта)")
	// «Счёт Invoicebox» sits in the row's «…» menu.
	clickInTab(t, ctx, in, `tr[data-seq="1"] [data-action="menu"]`)
	clickInTab(t, ctx, in, `tr[data-seq="1"] [data-action="pay-invoicebox"]`)
	// The click's answer comes after the order exists at Invoicebox; wait for both, not only our row.
	require.Eventually(t, func() bool {
		live := e.livePayments(s.Instalments[0].ID)
		if len(live) != 1 {
			return false
		}
		_, made := e.ib.Order(live[0].ID)
		return made
	}, 10*time.Second, 20*time.Millisecond)
	live := e.livePayments(s.Instalments[0].ID)
	require.Equal(t, e.clock.Now().Add(2*time.Hour).Unix(), e.providerExpiry("invoicebox", live[0].ID).Unix())
	screenshot(t, ctx, "tab-time-limit.png")
}
