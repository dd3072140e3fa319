package app

import (
	"io"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// TestAppSettingsPageInBrowser drives item 12 of issue 18 in the app page inside Bitrix24: the
// webhook URLs and the VAT setting are shown, a failed validation keeps what the admin typed and
// says what is wrong next to the field, «Проверить подключение» answers per route, and the saves are
// listed with the admin's name. Inside Bitrix24 the page takes the portal's ui stylesheets too.
func TestAppSettingsPageInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	status, _ := e.install()
	require.Equal(t, 200, status)
	stub := &portalUIStub{}
	stub.serve(e)
	req, err := e.portal.AppPageRequest(e.url+"/b24/app", "", nil, 1)
	require.NoError(t, err)
	body, _ := io.ReadAll(req.Body)
	fields, err := url.ParseQuery(string(body))
	require.NoError(t, err)
	ctx, _ := openPlacementInBrowser(t, e, req.URL.String(), fields, withBX24Stub(t))

	var page struct {
		Webhooks, VAT string
		Sheets        int
	}
	waitInTab(t, ctx, `document.querySelectorAll('link[data-portal-ui]').length===4`,
		`({Webhooks:document.querySelector('[data-test="webhooks"] ul').innerText,VAT:document.querySelector('[data-test="vat"]').innerText,
		Sheets:document.querySelectorAll('link[data-portal-ui]').length})`, &page)
	require.Equal(t, 4, page.Sheets, "the app page takes the portal's ui stylesheets as well")
	require.Contains(t, page.Webhooks, "СБП: "+e.url+"/webhooks/sbp")
	require.Contains(t, page.Webhooks, "Invoicebox: "+e.url+"/webhooks/invoicebox")
	require.Equal(t, "НДС в счетах Invoicebox: без НДС (переменная B24PAY_INVOICEBOX_VAT)", page.VAT)
	requireAccessible(t, ctx)

	// Invoicebox switched on without its token: refused next to the token, the rest kept as typed.
	evalInTab(t, ctx, `(function(){var f=document.querySelector('form.settings');
		f.ib_enabled.checked=true;f.ib_api_url.value='https://api.invoicebox.example';f.ib_merchant_id.value='Магазин 7';
		document.getElementById('save-settings').click();})()`, nil)
	var refused struct{ Error, Label, Merchant, URL string }
	waitInTab(t, ctx, `document.querySelector('[name=ib_token] + .field-error')&&document.querySelector('[name=ib_token] + .field-error').textContent`,
		`({Error:document.querySelector('[name=ib_token] + .field-error').textContent,
		Label:document.querySelector('[name=ib_token]').closest('label').firstChild.textContent,
		Merchant:document.querySelector('[name=ib_merchant_id]').value,URL:document.querySelector('[name=ib_api_url]').value})`, &refused)
	require.Equal(t, struct{ Error, Label, Merchant, URL string }{"Укажите токен API Invoicebox", "Токен API", "Магазин 7", "https://api.invoicebox.example"}, refused)
	requireAccessible(t, ctx)
	shots(t, ctx, "app-settings-refused")

	// «Проверить подключение к СБП» asks the bank with the settings in force.
	evalInTab(t, ctx, `document.getElementById('check-sbp').click()`, nil)
	var notice string
	waitInTab(t, ctx, `document.querySelector('[data-test="settings-notice"]')`,
		`document.querySelector('[data-test="settings-notice"]').textContent`, &notice)
	require.Equal(t, "СБП: подключение работает, банк принял ключ.", notice)

	// A save is listed with the admin's name.
	evalInTab(t, ctx, `(function(){var f=document.querySelector('form.settings');f.ib_enabled.checked=false;
		document.getElementById('save-settings').click();})()`, nil)
	var history string
	waitInTab(t, ctx, `document.querySelector('[data-test="settings-history"]')`,
		`document.querySelector('[data-test="settings-history"] li').textContent`, &history)
	require.Contains(t, history, "Анна Админова: включены СБП")
	requireAccessible(t, ctx)
	shots(t, ctx, "app-settings-saved")
}
