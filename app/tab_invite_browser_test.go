package app

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestTabInviteToCabinetInBrowser: «Пригласить клиента в личный кабинет» in the deal tab gives the
// invitation link in place, to copy, says it was e-mailed to the client's card address, and the
// e-mail with the same link reaches the mailbox.
func TestTabInviteToCabinetInBrowser(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, store.SQLite)
	e.emailOnCompany(t, "anna@romashka.ru")
	ctx, in := openTabInBrowser(t, e.e2e)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#invite-client`), in)))
	clickInTab(t, ctx, in, `#invite-client`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="invite-link"]`), in)))
	link := value(t, ctx, in, `[data-test="invite-link"]`)
	require.Regexp(t, `^`+e.url+`/cabinet/register\?invite=[\w-]+$`, link)
	require.Contains(t, textIn(t, ctx, in, `[data-test="invite-result"]`), "Приглашение отправлено на anna@romashka.ru")
	clickInTab(t, ctx, in, `[data-test="invite-result"] button`)
	waitText(t, ctx, in, `[data-test="invite-result"] button`, "Скопировано")
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-invite")

	e.drain()
	var mailed []string
	for _, m := range e.mailbox(t) {
		if m.to == "anna@romashka.ru" {
			mailed = append(mailed, m.text)
		}
	}
	require.Len(t, mailed, 1)
	require.Contains(t, mailed[0], link)
}
