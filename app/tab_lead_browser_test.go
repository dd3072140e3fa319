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

// TestLeadTabInBrowser opens a lead's tab (issue 18, item 11): the client's phone and e-mail are
// shown, an annuity keeps its principal and interest columns after saving, and history dates read
// 02.01.2027, not ISO. The client is a person without an INN, so Invoicebox (B2B) is not offered
// and the row says why (item 10).
func TestLeadTabInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	_, _, action, fields := e.leadTab(map[string]any{"NAME": "Пётр", "LAST_NAME": "Сидоров",
		"PHONE": []any{map[string]any{"VALUE": "+7 900 123-45-67", "VALUE_TYPE": "WORK"}},
		"EMAIL": []any{map[string]any{"VALUE": "petr@example.ru", "VALUE_TYPE": "WORK"}}})
	ctx, in := openPlacementInBrowser(t, e, action, fields)

	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in)))
	require.Equal(t, "У лида ещё нет графика платежей.", textIn(t, ctx, in, `#empty-text`))
	require.Equal(t, "+7 900 123-45-67", textIn(t, ctx, in, `[data-test="client-phone"]`))
	require.Equal(t, "tel:+79001234567", attr(t, ctx, in, `[data-test="client-phone"]`, "href"))
	require.Equal(t, "petr@example.ru", textIn(t, ctx, in, `[data-test="client-email"]`))

	clickInTab(t, ctx, in, `#start`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in)))
	choose(t, ctx, `#f-scheme`, "annuity")
	typeInTab(t, ctx, in, `#f-rate`, "12")
	typeInTab(t, ctx, in, `#f-count`, "3")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(3) td.extra`), in)))
	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`tr[data-seq="3"] td.extra`), in)))
	interest := textIn(t, ctx, in, `tr[data-seq="1"] td:nth-child(5)`)
	require.Regexp(t, `^\d+,\d\d\x{a0}₽$`, interest, "interest of the first instalment after saving")
	require.NotEqual(t, "0,00\u00a0₽", interest)
	require.Regexp(t, `^\d\d\.\d\d\.\d{4}, \d\d:\d\d$`, textIn(t, ctx, in, `#history time`))
	require.Equal(t, "Счёт Invoicebox — только для организаций и ИП: у клиента нет ИНН",
		textIn(t, ctx, in, `tr[data-seq="1"] [data-withheld="invoicebox"]`))
	require.Zero(t, count(t, ctx, `[data-action="pay-invoicebox"]`))
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-lead-annuity")
}

// count tells how many elements in the tab match sel.
func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	var n int
	evalInTab(t, ctx, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}
