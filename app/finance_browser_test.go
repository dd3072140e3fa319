package app

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestFinancePageInBrowser renders the admin's finance page in headless Chromium at 1000 px, with
// overdue instalments in several aging buckets and a company contract, and keeps screenshots.
func TestFinancePageInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	financeWorld(t, e)
	e.clock.Advance(100 * 24 * time.Hour) // 22 Dec, Jan and Feb fall overdue: 70, 39 and 8 days, three buckets
	admin := e.financeToken()

	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1000, 900),
		chromedp.Navigate(e.url+"/b24/finance?"+url.Values{"token": {admin}}.Encode()),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="aging"]`))))
	overdue, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-test="overdue"]`)))
	require.NoError(t, err)
	require.Equal(t, "30\u00a0000,00\u00a0₽", overdue)
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, width, 1000, "nothing overflows the 1000 px frame")
	screenshot(t, ctx, "finance-overview.png")

	// «Просрочено» drills down to the overdue instalments, each opening the deal's Bitrix24 card.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[data-test="overdue"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="figure-instalments"]`))))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-test="figure-instalments"] tbody a[target="_top"][href*="/crm/deal/details/"]').length`))
	require.NoError(t, err)
	require.Equal(t, 3, rows, "three overdue instalments, each with its deal's card")
	width, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, width, 1000)
	screenshot(t, ctx, "finance-overdue-list.png")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(e.url+"/b24/finance?"+url.Values{"token": {admin}, "view": {"outgoing"}}.Encode()),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="outgoing-calendar"]`))))
	screenshot(t, ctx, "finance-outgoing.png")

	// «Отметить оплаченным» in the calendar: the page comes back with the notice and the next date.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-test^="mark-paid-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="finance-notice"]`))))
	calendar, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-test="outgoing-calendar"] tbody`)))
	require.NoError(t, err)
	require.Contains(t, calendar, "2027-03-31", "the leasing contract moved from 28 February to 31 March")
	width, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, width, 1000)
	screenshot(t, ctx, "finance-outgoing-paid.png")

	// A filter typed wrong: the form says what to fix next to the field.
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name="from"]`), "31.02.2027"),
		chromedp.Submit(chromedp.CSS(`[data-test="finance-filters"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="filter-error-from"]`))))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-test="filter-error-from"]`)))
	require.NoError(t, err)
	require.Contains(t, msg, "ДД.ММ.ГГГГ")
	screenshot(t, ctx, "finance-filter-error.png")
}
