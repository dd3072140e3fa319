package app

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabRowActionsInBrowser drives a schedule's rows (issue 18, items 5 and 8): one primary
// action and a «…» menu per row, distinct names for the Bitrix24 invoice and the Invoicebox
// invoice, the pay link given in place to copy, record ids linking to Bitrix24 cards, and our own
// dialog instead of confirm().
func TestTabRowActionsInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#start`), in),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in)))
	typeInTab(t, ctx, in, `#f-count`, "3")
	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(3)`), in)))
	e.drain()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sync-result"]`), in)))

	// One primary action per row, the rest in the menu.
	row := `tr[data-seq="1"]`
	var buttons []string
	evalInTab(t, ctx, `Array.from(document.querySelectorAll('tr[data-seq="1"] .row-actions > button, tr[data-seq="1"] .menu-button')).map(function(b){return b.textContent})`, &buttons)
	require.Equal(t, []string{"Выставить счёт в Битрикс24", "…"}, buttons)
	clickInTab(t, ctx, in, row+` [data-action="menu"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(row+` [role="menu"]`), in)))
	var items []string
	evalInTab(t, ctx, `Array.from(document.querySelectorAll('tr[data-seq="1"] [role="menuitem"]')).map(function(b){return b.textContent})`, &items)
	require.Equal(t, []string{"Счёт Invoicebox", "Изменить"}, items)
	require.Equal(t, "true", attr(t, ctx, in, row+` [data-action="menu"]`, "aria-expanded"))
	shots(t, ctx, "tab-row-menu")
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(row+` [role="menuitem"]`), kb.Escape, in),
		chromedp.WaitNotVisible(chromedp.CSS(row+` [role="menu"]`), in)))

	// The pay link is given in place, to copy; nothing opens in the manager's browser.
	clickInTab(t, ctx, in, row+` [data-action="menu"]`)
	clickInTab(t, ctx, in, row+` [data-action="pay-invoicebox"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="pay-link"]`), in)))
	link := value(t, ctx, in, `[data-test="pay-link"]`)
	require.Contains(t, link, "/pay/")
	clickInTab(t, ctx, in, `[data-test="feedback"] [data-action="copy"]`)
	waitText(t, ctx, in, `[data-test="feedback"] [data-action="copy"]`, "Скопировано")

	// «Выставить счёт в Битрикс24» on row 2: feedback in place, then a link to the invoice's card.
	clickInTab(t, ctx, in, `tr[data-seq="2"] [data-action="invoice"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="feedback"]`), in)))
	e.drain()
	waitText(t, ctx, in, `[data-test="feedback"] a[data-test="card-link"]`, "Открыть счёт")
	href := attr(t, ctx, in, `tr[data-seq="2"] .row-actions a[data-test="card-link"]`, "href")
	require.Regexp(t, `^https://.+/crm/type/31/details/\d+/$`, href)
	itemHref := attr(t, ctx, in, `tr[data-seq="1"] .sync-cell a[data-test="card-link"]`, "href")
	require.Equal(t, fmt.Sprintf("%s/crm/type/%d/details/1/", "https://"+e.portal.Domain(), e.provisioned().SPAEntityTypeID), itemHref)
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-row-feedback")

	// Deleting asks in our own dialog: cancel keeps the schedule, confirm deletes it.
	clickInTab(t, ctx, in, `#delete`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="dialog"]`), in)))
	// (The dialog sits in the frame's top layer, where chromedp's mouse click misses it: click by script.)
	evalInTab(t, ctx, `document.getElementById('dialog-cancel').click()`, nil)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.CSS(`[data-test="dialog"]`), in)))
	require.True(t, visible(t, ctx, in, `#current`))
	clickInTab(t, ctx, in, `#delete`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="dialog"]`), in)))
	shots(t, ctx, "tab-delete-dialog")
	evalInTab(t, ctx, `document.getElementById('dialog-ok').click()`, nil)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in)))
}
