package app

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabSplitInBrowser splits the deal's invoice into 7 parts from the tab in headless Chromium:
// the preview shows every part, the button makes the invoices and the page reports them.
func TestTabSplitInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	e.splitInvoice()
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#split-preview tbody tr:nth-child(2)`), in),
		chromedp.SendKeys(chromedp.CSS(`#s-parts`), kb.End+"\b7", in),
		chromedp.WaitVisible(chromedp.CSS(`#split-preview tbody tr:nth-child(7)`), in),
		chromedp.WaitEnabled(chromedp.CSS(`#split-go`), in),
	))
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#split-preview tbody tr:nth-child(1) td:nth-child(3)`), in))
	require.NoError(t, err)
	require.Equal(t, "14\u202f642,86\u00a0₽", first, "102 500,00 ₽ in 7 parts, the first carrying a kopeck more")
	screenshot(t, ctx, "tab-split-preview.png")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#split-go`), in),
		chromedp.WaitVisible(chromedp.CSS(`#split[data-state="pending"]`), in)))
	e.drain() // the split is stored: the outbox makes the invoices
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#split[data-state="done"]`), in)))
	done, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#split-status`), in))
	require.NoError(t, err)
	require.Contains(t, done, "Готово: созданы счета №")
}
