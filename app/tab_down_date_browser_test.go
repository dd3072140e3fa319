package app

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabDownPaymentOwnDateInBrowser (issue 18, item 4): the down payment gets a date of its own and
// the instalments then start on «Дата первого платежа»; a down payment date after the first
// instalment is refused next to its field, in Russian, with the date formatted.
func TestTabDownPaymentOwnDateInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#start`), in),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in)))
	require.False(t, visible(t, ctx, in, `#down-due-toggle`), "no down payment, no date for it")
	typeInTab(t, ctx, in, `#f-count`, "4")
	setDate(t, ctx, `#f-first`, "2027-01-22")
	typeInTab(t, ctx, in, `#f-down`, "20 000")
	waitText(t, ctx, in, `#first-label`, "Дата первого взноса")
	waitText(t, ctx, in, `#preview tbody tr:nth-child(2) td:nth-child(2)`, "22.02.2027")

	clickInTab(t, ctx, in, `#down-due-toggle`)
	require.Equal(t, "2027-01-22", value(t, ctx, in, `#f-down-due`), "starts from the first date")
	setDate(t, ctx, `#f-down-due`, "2026-12-10")
	waitText(t, ctx, in, `#first-label`, "Дата первого платежа")
	waitText(t, ctx, in, `#preview tbody tr:nth-child(1) td:nth-child(2)`, "10.12.2026 · первый взнос")
	waitText(t, ctx, in, `#preview tbody tr:nth-child(2) td:nth-child(2)`, "22.01.2027")
	waitText(t, ctx, in, `#preview tbody tr:nth-child(5) td:nth-child(2)`, "22.04.2027")

	setDate(t, ctx, `#f-down-due`, "2027-02-01")
	waitText(t, ctx, in, `#err-down-due`, "не позже первого платежа — 22.01.2027")
	require.Equal(t, "true", attr(t, ctx, in, `#f-down-due`, "aria-invalid"))
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-down-payment-date")
	setDate(t, ctx, `#f-down-due`, "2026-12-10")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.CSS(`#err-down-due`), in)))

	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(5)`), in)))
	require.Equal(t, "10.12.2026 · взнос", textIn(t, ctx, in, `tr[data-seq="1"] td:nth-child(2)`))
	require.Equal(t, "20\u202f000,00\u00a0₽", textIn(t, ctx, in, `tr[data-seq="1"] td:nth-child(3)`))
	require.Equal(t, "22.01.2027", textIn(t, ctx, in, `tr[data-seq="2"] td:nth-child(2)`))
}

// setDate puts a date into a date input and fires input and change, as the browser's date picker does.
func setDate(t *testing.T, ctx context.Context, sel, iso string) {
	t.Helper()
	evalInTab(t, ctx, fmt.Sprintf(`(function(){var n=document.querySelector(%q);n.value=%q;
		n.dispatchEvent(new Event('input',{bubbles:true}));n.dispatchEvent(new Event('change',{bubbles:true}));})()`, sel, iso), nil)
}
