package app

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/portal"
)

var settingsToken = regexp.MustCompile(`action="/b24/settings\?token=([^"]+)"`)

func (e *e2e) appPage(userID int) (int, string) {
	e.t.Helper()
	req, err := e.portal.AppPageRequest(e.url+"/b24/app", "", nil, userID)
	require.NoError(e.t, err)
	return e.send(req)
}

func (e *e2e) saveSettings(form url.Values) (int, string) {
	e.t.Helper()
	form = maps.Clone(form) // the token rides in the URL, as the page's form sends it
	token := form.Get("token")
	form.Del("token")
	resp, err := http.Post(e.url+"/b24/settings?token="+url.QueryEscape(token), "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminConfiguresInvoiceboxOnTheSettingsPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect) // no payment route in the environment
		ib := invoiceboxfake.New(invoiceboxfake.Options{NotificationKey: "nk", Now: e.clock.Now})
		ibSrv := httptest.NewServer(ib)
		t.Cleanup(ibSrv.Close)
		token, s := e.payable()
		var tab struct{ Providers []string }
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Empty(t, tab.Providers)
		status, _ := e.saveSettings(url.Values{}) // webhooks of routes that are off are absent too
		require.Equal(t, http.StatusUnauthorized, status)
		resp, err := http.Post(e.url+"/webhooks/invoicebox", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode)

		// Only the admin sees the form; the manager does not.
		_, managerPage := e.appPage(2)
		require.NotContains(t, managerPage, "Настройки оплаты")
		status, adminPage := e.appPage(1)
		require.Equal(t, http.StatusOK, status)
		m := settingsToken.FindStringSubmatch(adminPage)
		require.NotNil(t, m)
		form := url.Values{"token": {m[1]}, "ib_enabled": {"1"}, "ib_api_url": {ibSrv.URL}, "ib_merchant_id": {ib.MerchantID()},
			"ib_token": {"wrong-token"}, "ib_notification_key": {"nk"}}

		// The tab token is no settings token.
		status, _ = e.saveSettings(url.Values{"token": {token}, "ib_enabled": {"1"}})
		require.Equal(t, http.StatusUnauthorized, status)
		// Invoicebox refuses the token: the error is next to the field and nothing is switched on.
		status, page := e.saveSettings(form)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "Invoicebox не принял настройки")
		require.False(t, e.app.payments.Has("invoicebox"))
		form.Set("ib_merchant_id", "")
		form.Set("ib_token", ib.Token())
		status, page = e.saveSettings(form)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "Обязательное поле")

		form.Set("ib_merchant_id", ib.MerchantID())
		status, page = e.saveSettings(form)
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "Настройки оплаты сохранены.")
		require.NotContains(t, page, ib.Token(), "secrets are never shown back")
		var sealed string
		require.NoError(t, e.db.Table("provider_settings").Where("provider = 'invoicebox'").Pluck("sealed", &sealed).Error)
		require.NotContains(t, sealed, ib.Token(), "stored encrypted")

		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Equal(t, []string{"invoicebox"}, tab.Providers)
		var handlers int
		for _, s := range e.paySystems() {
			if s.Handler == portal.HandlerCode("invoicebox") {
				handlers++
			}
		}
		require.Equal(t, 2, handlers, "registered in the Sales Center")
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		require.Equal(t, 1, ib.OrdersCreated(pay.Payment.ID))

		// Saving again with the secret fields empty keeps the secrets; a restart keeps the settings.
		form.Del("ib_token")
		form.Del("ib_notification_key")
		status, _ = e.saveSettings(form)
		require.Equal(t, http.StatusOK, status)
		restarted, err := assemble(context.Background(), e.app.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock, e.db)
		require.NoError(t, err)
		require.True(t, restarted.payments.Has("invoicebox"))

		// Switching the route off hides it again for new payments (item 8 of issue 10)…
		form.Del("ib_enabled")
		status, _ = e.saveSettings(form)
		require.Equal(t, http.StatusOK, status)
		require.False(t, e.app.payments.Has("invoicebox"))
		require.Equal(t, http.StatusNotFound, e.api(token, http.MethodPost, "/instalments/"+itoa(s.Instalments[1].ID)+"/pay",
			map[string]string{"provider": "invoicebox"}, nil))
		// …but its webhook still takes notifications and its live payment is still reconciled, also
		// after a restart.
		resp, err = http.Post(e.url+"/webhooks/invoicebox", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "answered (signature_error), not 404")
		restarted, err = assemble(context.Background(), e.app.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock, e.db)
		require.NoError(t, err)
		require.False(t, restarted.payments.Has("invoicebox"))
		require.True(t, restarted.payments.Serves("invoicebox"))
		require.NoError(t, ib.Pay(pay.Payment.ID, decimal.NewFromInt(10000)))
		require.NoError(t, restarted.payments.Reconcile(context.Background(), e.clock.Now().Add(time.Hour)))
		require.Equal(t, billing.StatusSucceeded, e.payment(pay.Payment.ID).Status)
	})
}
