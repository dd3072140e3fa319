package app

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/schedules"
	"b24pay/store"
)

// TestTabProgressInBrowser saves 13 instalments and pushes them to Bitrix24 (issue 18, item 7):
// the tab shows a progress bar with count and percent, ends at 100 % with a success note that
// stays until dismissed, and a later edit of one date pushes only that row. (The outbox pushes a
// schedule's items in batches of up to 50, so 13 items move the bar from 0 to 100 % in one step.)
func TestTabProgressInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#start`), in),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in)))
	typeInTab(t, ctx, in, `#f-count`, "13")
	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sync-progress"]`), in)))
	require.Equal(t, "Передано в Битрикс24: 0 из 13 · 0\u00a0%", textIn(t, ctx, in, `#sync-progress-text`))

	require.Equal(t, "0", attr(t, ctx, in, `#sync-bar`, "aria-valuenow"))
	require.Equal(t, "13", attr(t, ctx, in, `#sync-bar`, "aria-valuemax"))
	shots(t, ctx, "tab-sync-progress")

	// The rest: 100 %, a success note that stays until dismissed.
	e.drain()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sync-result"].ui-alert-success`), in)))
	require.Contains(t, textIn(t, ctx, in, `#sync-result-text`), "13 из 13 · 100\u00a0%")
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-sync-done")
	evalInTab(t, ctx, `new Promise(function(r){setTimeout(r,1700)})`, nil) // past the next poll
	require.True(t, visible(t, ctx, in, `[data-test="sync-result"]`), "the success note stays")
	clickInTab(t, ctx, in, `#sync-dismiss`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.CSS(`[data-test="sync-result"]`), in)))

	// Item 6: an edit first shows how the other free instalments change, and saves on confirmation.
	clickInTab(t, ctx, in, `tr[data-seq="5"] [data-action="menu"]`)
	clickInTab(t, ctx, in, `tr[data-seq="5"] [data-action="edit"]`)
	require.Equal(t, "Новая сумма платежа №5", attr(t, ctx, in, `tr[data-seq="5"] input[inputmode="decimal"]`, "aria-label"))
	typeInTab(t, ctx, in, `tr[data-seq="5"] input[inputmode="decimal"]`, "10 000")
	clickInTab(t, ctx, in, `[data-action="edit-save"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="edit-preview"]`), in)))
	var changes []string
	evalInTab(t, ctx, `Array.from(document.querySelectorAll('[data-test="edit-change"]')).map(function(n){return n.textContent})`, &changes)
	require.Contains(t, changes, "№5: 9\u202f230,77\u00a0₽ → 10\u202f000,00\u00a0₽")
	require.Greater(t, len(changes), 1, "the other free instalments take the difference: %v", changes)
	require.Equal(t, "9\u202f230,77\u00a0₽", textIn(t, ctx, in, `tr[data-seq="6"] td:nth-child(3)`), "nothing saved before confirming")
	requireAccessible(t, ctx) // the inline edit's inputs are labelled
	shots(t, ctx, "tab-edit-preview")
	clickInTab(t, ctx, in, `[data-action="edit-confirm"]`)
	waitText(t, ctx, in, `tr[data-seq="5"] td:nth-child(3)`, "10\u202f000,00\u00a0₽")
	e.drain()

	// An edit of one date pushes that row alone.
	updates := e.portal.Calls("crm.item.update")
	token := e.openTab(e.dealID, 2)
	row := e.instalmentRow(token, 5)
	due, err := schedules.ParseDate(row.Due)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, e.api(token, "PATCH", fmt.Sprintf("/instalments/%d", row.ID),
		map[string]any{"due": due.AddDays(3).String()}, nil))
	e.drain()
	require.Equal(t, updates+1, e.portal.Calls("crm.item.update"), "only the edited row is pushed")
}
