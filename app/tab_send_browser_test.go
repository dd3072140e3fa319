package app

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabSendsPayLinkInBrowser (issue 18, item 5): the pay link given in place under the row can be
// sent to the client's e-mail, into the client's Bitrix24 chat and to the card's timeline; each
// button turns into what was done.
func TestTabSendsPayLinkInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	lead, _, action, fields := e.leadTab(map[string]any{"NAME": "Пётр", "LAST_NAME": "Сидоров",
		"EMAIL": []any{map[string]any{"VALUE": "petr@example.ru", "VALUE_TYPE": "WORK"}}})
	ctx, in := openPlacementInBrowser(t, e, action, fields)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#start`), in),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="preview-total"]`), in)))
	typeInTab(t, ctx, in, `#f-count`, "3")
	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(3)`), in)))

	clickInTab(t, ctx, in, `tr[data-seq="1"] [data-action="menu"]`)
	clickInTab(t, ctx, in, `tr[data-seq="1"] [data-action="pay-sbp"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="pay-link"]`), in)))
	require.Equal(t, "Отправить на petr@example.ru", textIn(t, ctx, in, `[data-action="send-email"]`))
	clickInTab(t, ctx, in, `[data-action="send-email"]`)
	waitText(t, ctx, in, `[data-test="sent-email"]`, "Отправлено на petr@example.ru")
	e.portal.AddOpenLineChat("lead", lead, 2)
	clickInTab(t, ctx, in, `[data-action="send-chat"]`)
	waitText(t, ctx, in, `[data-test="sent-chat"]`, "Отправлено в чат с клиентом")
	clickInTab(t, ctx, in, `[data-action="send-timeline"]`)
	waitText(t, ctx, in, `[data-test="sent-timeline"]`, "Добавлено в ленту карточки")
	require.NotEmpty(t, value(t, ctx, in, `[data-test="pay-link"]`), "the link stays to copy")
	waitText(t, ctx, in, `#history li:first-child b`, "Иван Менеджеров: ")
	require.Contains(t, textIn(t, ctx, in, `#history`), "ссылка на оплату платежа №1 отправлена в ленту карточки")
	requireContrast(t, ctx)
	shots(t, ctx, "tab-pay-link-sent")
	e.drain()
	require.Len(t, e.portal.TimelineComments("lead", lead), 1)
}
