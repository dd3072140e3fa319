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

// TestTabFormInBrowser drives the schedule builder as a manager types into it (issue 18, items
// 1, 3 and 4): Russian-formatted sums are read and shown, the term takes Russian units, errors sit
// by their field in Russian with formatted numbers and clear once fixed, the custom plan keeps a
// running total, no decoder text ever reaches the page, and one click on Save saves.
func TestTabFormInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	wait := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, actions...))
	}
	// Item 2: no schedule yet — one sentence, one primary action; the spinner is gone. Item 8:
	// outside Bitrix24 (no SDK here) a quiet note says so. Item 9: contrast on the rendered page.
	wait(chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in), chromedp.WaitNotVisible(chromedp.CSS(`#loading`), in))
	require.Equal(t, "У сделки ещё нет графика платежей.", textIn(t, ctx, in, `#empty-text`))
	require.False(t, visible(t, ctx, in, `#builder`), "the builder waits for the action")
	wait(chromedp.WaitVisible(chromedp.CSS(`#outside-note`), in))
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-empty")
	clickInTab(t, ctx, in, `#start`)
	wait(chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in))
	requireSaveAboveFold(t, ctx)

	// Item 4: sums are shown grouped with a decimal comma, and both spellings are read.
	require.Equal(t, "Итого · 12 платежей", textIn(t, ctx, in, `[data-test="preview-total"] th`))
	require.Equal(t, "120\u202f000,00\u00a0₽", textIn(t, ctx, in, `[data-test="preview-total"] td`))
	typeInTab(t, ctx, in, `#f-total`, "96 000,50")
	wait(chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(12)`), in))
	waitText(t, ctx, in, `[data-test="preview-total"] td`, "96\u202f000,50\u00a0₽")
	typeInTab(t, ctx, in, `#f-total`, "120000.00")
	waitText(t, ctx, in, `[data-test="preview-total"] td`, "120\u202f000,00\u00a0₽")
	clickInTab(t, ctx, in, `#f-count`) // leaving the field groups the sum
	require.Equal(t, "120 000,00", value(t, ctx, in, `#f-total`))

	// The term takes Russian units and suggests no English ones.
	placeholder, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#f-term`), "placeholder", in))
	require.NoError(t, err)
	require.NotContains(t, placeholder.Value, "12m")
	typeInTab(t, ctx, in, `#f-term`, "2 года")
	wait(chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(24)`), in))
	typeInTab(t, ctx, in, `#f-term`, "")

	// Item 3: a down payment in percent out of range: the reason by the field, with «%», the typed
	// value kept; fixing it clears the message. The down payment's date is labelled as its own.
	choose(t, ctx, `#f-down-kind`, "percent")
	typeInTab(t, ctx, in, `#f-down`, "120")
	waitText(t, ctx, in, `#err-down`, "допустимо от 0\u00a0% до 100\u00a0%")
	require.Equal(t, "120", value(t, ctx, in, `#f-down`), "the typed value stays")
	require.Equal(t, "true", attr(t, ctx, in, `#f-down`, "aria-invalid"))
	require.False(t, visible(t, ctx, in, `#plan-error`), "no banner: the message is by its field")
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-error-by-field")
	typeInTab(t, ctx, in, `#f-down`, "20")
	wait(chromedp.WaitNotVisible(chromedp.CSS(`#err-down`), in))
	require.Equal(t, "Дата первого взноса", textIn(t, ctx, in, `#first-label`))
	require.Contains(t, textIn(t, ctx, in, `#preview tbody tr:nth-child(1)`), "первый взнос")
	typeInTab(t, ctx, in, `#f-down`, "")

	// Choosing «Свой график» shows no decoder text, only the running total.
	choose(t, ctx, `#f-scheme`, "custom")
	waitText(t, ctx, in, `[data-test="custom-tally"]`, "Распределено 0,00\u00a0₽ из 120\u202f000,00\u00a0₽ · осталось 120\u202f000,00\u00a0₽")
	var page string
	evalInTab(t, ctx, `new Promise(function(r){setTimeout(function(){r(document.body.innerText)},600)})`, &page) // let the preview answer
	require.NotContains(t, page, "decoding")
	require.NotContains(t, page, "decimal")

	// Two rows that fall short: the reason sits in the last row, in Russian money.
	typeInTab(t, ctx, in, `[data-test="custom-row"]:nth-child(1) [name=due]`, "01022027")
	typeInTab(t, ctx, in, `[data-test="custom-row"]:nth-child(1) [name=value]`, "80 000")
	typeInTab(t, ctx, in, `[data-test="custom-row"]:nth-child(2) [name=due]`, "01032027")
	typeInTab(t, ctx, in, `[data-test="custom-row"]:nth-child(2) [name=value]`, "30000")
	waitText(t, ctx, in, `[data-test="custom-row"]:nth-child(2) [data-error="row"]`, "строки не сходятся с итогом: не хватает 10\u202f000")
	require.Equal(t, "Распределено 110\u202f000,00\u00a0₽ из 120\u202f000,00\u00a0₽ · осталось 10\u202f000,00\u00a0₽",
		textIn(t, ctx, in, `[data-test="custom-tally"]`))
	require.Equal(t, "30000", value(t, ctx, in, `[data-test="custom-row"]:nth-child(2) [name=value]`))
	requireAccessible(t, ctx) // the custom rows' inputs are labelled too
	shots(t, ctx, "tab-custom-tally")

	// Item 1: type the fix and click Save at once — one click saves.
	typeInTab(t, ctx, in, `[data-test="custom-row"]:nth-child(2) [name=value]`, "40 000")
	clickInTab(t, ctx, in, `#save`)
	wait(chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(2)`), in))
	require.Equal(t, "40\u202f000,00\u00a0₽", textIn(t, ctx, in, `tr[data-seq="2"] td:nth-child(3)`))
}

// waitText waits until an element in the tab shows exactly want.
func waitText(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel, want string) {
	t.Helper()
	var got string
	evalInTab(t, ctx, fmt.Sprintf(`new Promise(function(resolve){var n=0;(function poll(){
		var el=document.querySelector(%q),v=el?el.textContent:'';
		if(v===%q||++n>200)resolve(v);else setTimeout(poll,25);})();})`, sel, want), &got)
	require.Equal(t, want, got, sel)
}

func value(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel), in))
	require.NoError(t, err, sel)
	return v
}

func attr(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name, in))
	require.NoError(t, err, sel)
	return v.Value
}

// requireSaveAboveFold checks that Save is within the first 800 px of the tab (the slider's height).
func requireSaveAboveFold(t *testing.T, ctx context.Context) {
	t.Helper()
	var bottom float64
	evalInTab(t, ctx, `document.getElementById('save').getBoundingClientRect().bottom + window.scrollY`, &bottom)
	require.Less(t, bottom, 800.0, "Save is visible without scrolling")
}
