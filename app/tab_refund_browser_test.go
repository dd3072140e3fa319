package app

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabRefundFormInBrowser returns part of a payment through the in-page form that replaced
// window.prompt (issue 18): the amount is checked next to its field in Russian, the typed value is
// kept, and a valid amount reaches the provider once. (A prompt() would block the page and the test.)
func TestTabRefundFormInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	_, pay := e.paidInFull()
	ctx, in := openTabInBrowser(t, e)
	row := `tr[data-payment="` + pay.Payment.ID + `"]`
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(row+` [data-action="refund"]`), in)))

	clickInTab(t, ctx, in, row+` [data-action="refund"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="refund-form"]`), in)))
	require.Equal(t, "10 000,00", value(t, ctx, in, `[data-test="refund-form"] [name="amount"]`), "what is left to return is offered")
	require.Contains(t, textIn(t, ctx, in, `[data-test="refund-form"] label`), "не больше 10\u202f000,00\u00a0₽")

	// Too much: the reason sits next to the amount, formatted as money, and the typed value stays.
	typeInTab(t, ctx, in, `[data-test="refund-form"] [name="amount"]`, "20 000")
	clickInTab(t, ctx, in, `[data-action="refund-submit"]`)
	waitText(t, ctx, in, `[data-test="refund-error"]`, "Не больше 10\u202f000,00\u00a0₽ — столько оплачено и ещё не возвращено")
	require.Equal(t, "20 000", value(t, ctx, in, `[data-test="refund-form"] [name="amount"]`))
	require.Equal(t, "true", attr(t, ctx, in, `[data-test="refund-form"] [name="amount"]`, "aria-invalid"))
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-refund-error")
	typeInTab(t, ctx, in, `[data-test="refund-form"] [name="amount"]`, "сто")
	clickInTab(t, ctx, in, `[data-action="refund-submit"]`)
	waitText(t, ctx, in, `[data-test="refund-error"]`, "Введите сумму числом, например 1 500,00")
	typeInTab(t, ctx, in, `[data-test="refund-form"] [name="amount"]`, "0,001")
	clickInTab(t, ctx, in, `[data-action="refund-submit"]`)
	waitText(t, ctx, in, `[data-test="refund-error"]`, "Не дробнее копейки")
	require.True(t, e.ib.RefundedAmount(e.payment(pay.Payment.ID).ProviderRef).IsZero(), "nothing reached Invoicebox")

	// Typing clears the message; a valid amount is returned once.
	typeInTab(t, ctx, in, `[data-test="refund-form"] [name="amount"]`, "2 500,50")
	waitText(t, ctx, in, `[data-test="refund-error"]`, "")
	clickInTab(t, ctx, in, `[data-action="refund-submit"]`)
	waitText(t, ctx, in, row+` td:nth-child(5)`, "2\u202f500,50\u00a0₽")
	require.Equal(t, "2500.50", e.ib.RefundedAmount(e.payment(pay.Payment.ID).ProviderRef).StringFixed(2))
	require.Contains(t, textIn(t, ctx, in, `#notice`), "Возврат оформлен")
}
