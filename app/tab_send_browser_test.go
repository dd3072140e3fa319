package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabSendsPayLinkInBrowser (issue 18, item 5): the pay link given in place under the row can be
// sent to the client's e-mail, into the client's Bitrix24 chat (the manager is added to it first) and
// to the card's timeline; each button turns into «Отправляется…», then into what was really done.
func TestTabSendsPayLinkInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	ctx, in, lead := openPayLinkNote(t, e)
	require.Equal(t, "Отправить на petr@example.ru", textIn(t, ctx, in, `[data-action="send-email"]`))
	// Each place says «Отправляется…» until the service has really delivered the link.
	clickInTab(t, ctx, in, `[data-action="send-email"]`)
	waitText(t, ctx, in, `[data-test="sent-email"]`, "Отправляется…")
	chat := e.portal.AddOpenLineChat("lead", lead) // the manager is not in the client's chat
	clickInTab(t, ctx, in, `[data-action="send-chat"]`)
	waitText(t, ctx, in, `[data-test="sent-chat"]`, "Отправляется…")
	clickInTab(t, ctx, in, `[data-action="send-timeline"]`)
	waitText(t, ctx, in, `[data-test="sent-timeline"]`, "Отправляется…")
	e.drain()
	waitText(t, ctx, in, `[data-test="sent-email"]`, "Отправлено на petr@example.ru")
	waitText(t, ctx, in, `[data-test="sent-chat"]`, "Отправлено в чат с клиентом")
	waitText(t, ctx, in, `[data-test="sent-timeline"]`, "Добавлено в ленту карточки")
	require.Len(t, e.portal.OpenLineMessages(chat), 1, "the manager was added to the chat, then wrote into it")
	require.NotEmpty(t, value(t, ctx, in, `[data-test="pay-link"]`), "the link stays to copy")
	waitText(t, ctx, in, `#history li:first-child b`, "Иван Менеджеров: ")
	require.Contains(t, textIn(t, ctx, in, `#history`), "ссылка на оплату платежа №1 отправлена в ленту карточки")
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-pay-link-sent")
	e.drain()
	require.Len(t, e.portal.TimelineComments("lead", lead), 1)
}

// openPayLinkNote opens a lead's tab in the browser, saves a schedule of three instalments and
// creates an SBP pay link for the first, whose note offers to send it.
func openPayLinkNote(t *testing.T, e *e2e) (context.Context, chromedp.QueryOption, int) {
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
	return ctx, in, lead
}

// TestTabSaysWhenThePayLinkDidNotReachTheChatInBrowser: when Bitrix24 refuses the chat message for
// good (here the app may not add the manager to the lead's chat), the tab stops saying
// «Отправляется…» and tells the manager it was not delivered, instead of «Отправлено».
func TestTabSaysWhenThePayLinkDidNotReachTheChatInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	ctx, in, lead := openPayLinkNote(t, e)
	e.drain()
	chat := e.portal.AddOpenLineChat("lead", lead)
	e.portal.DenyRead(1, 1, lead) // the installing admin, whose token the app writes with
	clickInTab(t, ctx, in, `[data-action="send-chat"]`)
	waitText(t, ctx, in, `[data-test="sent-chat"]`, "Отправляется…")
	e.portal.Flush()
	_, err := e.app.outbox.Drain(context.Background())
	require.NoError(t, err)
	waitText(t, ctx, in, `[data-test="sent-chat"]`, "Не доставлено в чат с клиентом — отправьте ссылку на e-mail или в ленту")
	var role string
	evalInTab(t, ctx, `document.querySelector('[data-test="sent-chat"]').getAttribute('role')`, &role)
	require.Equal(t, "alert", role, "read out to the manager")
	require.Empty(t, e.portal.OpenLineMessages(chat))
	requireAccessible(t, ctx)
}
