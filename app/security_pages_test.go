package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/clock"
	"b24pay/store"
)

// withEnv sets one more configuration variable.
func withEnv(name, value string) e2eOption {
	return func(_ *e2e, env map[string]string, _ *clock.Frozen, _ string) { env[name] = value }
}

// placementPage posts the tab's placement form for a deal as a user and returns status and page.
func (e *e2e) placementPage(dealID, userID int) (int, string) {
	e.t.Helper()
	action, fields := e.PlacementForm(dealID, userID)
	resp, err := http.Post(action, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUninstallRevokesEveryEarlierTabAndAdminToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	tab, _ := e.payable()
	_, page := e.appPage(1)
	admin := settingsToken.FindStringSubmatch(page)[1]

	require.NoError(t, e.portal.SendAppUninstall(e.url+"/b24/events", false))
	e.portal.Flush()
	var body struct{ Error string }
	require.Equal(t, http.StatusUnauthorized, e.api(tab, http.MethodGet, "/schedule", nil, &body))
	require.Equal(t, "token_revoked", body.Error)
	require.Equal(t, http.StatusUnauthorized, e.api(tab, http.MethodDelete, "/schedule", nil, nil))
	status, _ := e.saveSettings(url.Values{"token": {admin}, "ib_enabled": {"0"}})
	require.Equal(t, http.StatusUnauthorized, status)

	// Reinstalling does not bring them back; a freshly opened tab works.
	status, _ = e.install()
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, http.StatusUnauthorized, e.api(tab, http.MethodGet, "/schedule", nil, nil))
	require.Equal(t, http.StatusOK, e.api(e.openTab(e.dealID, 2), http.MethodGet, "/schedule", nil, nil))
}

func TestPlacementNeedsTheUsersOwnReadAccess(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	e.portal.DenyRead(2, 2, e.dealID)

	status, page := e.placementPage(e.dealID, 2)
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, page, "нет прав на просмотр этой сделки")
	require.NotRegexp(t, tokenMeta, page, "no token for a deal the user cannot read")
	status, page = e.placementPage(e.dealID, 1) // the admin can
	require.Equal(t, http.StatusOK, status)
	require.Regexp(t, tokenMeta, page)
}

func TestPlacementSaysThePortalIsUnreachableWhenItIsDown(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	e.portal.FailNext("profile", 10, "", http.StatusServiceUnavailable) // an HTML 503, as an overloaded portal answers

	status, page := e.placementPage(e.dealID, 2)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, page, "Битрикс24 недоступен")
	require.NotContains(t, page, "Доступ запрещён")
}

func TestDeletedDealAnswersNotFound(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	require.NoError(t, e.portal.UserDeleteItem(2, e.dealID))

	var body struct{ Error string }
	require.Equal(t, http.StatusNotFound, e.api(token, http.MethodGet, "/tab", nil, &body))
	require.Equal(t, "b24_not_found", body.Error)
	status, _ = e.placementPage(e.dealID, 2)
	require.Equal(t, http.StatusNotFound, status)
}

func TestExpiredPageTokenNeverAsksForARefresh(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	var emptyRefresh atomic.Int32
	e.portalPages.HandleFunc("/oauth/token/", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("refresh_token") == "" {
			emptyRefresh.Add(1)
		}
		e.portal.ServeHTTP(w, r)
	})
	action, fields := e.PlacementForm(e.dealID, 2)
	e.portal.ExpireAccessTokens()

	require.Equal(t, http.StatusUnauthorized, postForm(t, action, fields))
	require.Zero(t, emptyRefresh.Load())
}

func TestBusyBitrix24AnswersSoonInsteadOfHoldingTheRequest(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	e.portal.SetQueryLimitAlways(true)
	before := e.portal.Requests("crm.deal.get")

	var body struct{ Error, Message string }
	require.Equal(t, http.StatusServiceUnavailable, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &body))
	require.Equal(t, "b24_busy", body.Error)
	require.Contains(t, body.Message, "Битрикс24 занят")
	require.Equal(t, 4, e.portal.Requests("crm.deal.get")-before, "one try and three retries, then the answer")

	// Background work keeps retrying: once the portal has room again the outbox gets through.
	e.portal.SetQueryLimitAlways(false)
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
	e.drain()
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	action, fields := e.PlacementForm(e.dealID, 2)
	resp, err := http.Post(action, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	csp := resp.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "frame-ancestors "+e.portalURL)
	require.NotContains(t, csp, "frame-ancestors 'none'")
	// The tab may take stylesheets from us and the configured portal (its ui kit), nothing else.
	require.Contains(t, csp, "style-src 'self' "+e.portalURL)
	require.Equal(t, 1, strings.Count(csp, "style-src"))
	require.Contains(t, string(body), `<meta name="b24pay-portal-ui" content="`+e.portalURL+"/bitrix/js/ui/")

	for _, path := range []string{"/pay/some-token", "/api/v1/tab", "/healthz", "/cabinet/login"} {
		resp, err := http.Get(e.url + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), path)
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		require.NotContains(t, resp.Header.Get("Content-Security-Policy"), e.portalURL, path)
	}
}

func TestMetricsCanBeLimitedToATokenAndAddresses(t *testing.T) {
	t.Parallel()
	get := func(e *e2e, token string) int {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		status, _ := e.send(req)
		return status
	}
	open := newE2E(t, store.SQLite)
	require.Equal(t, http.StatusOK, get(open, ""), "open unless configured")

	tok := newE2E(t, store.SQLite, withEnv("B24PAY_METRICS_TOKEN", "metrics-token-0123456789"))
	require.Equal(t, http.StatusUnauthorized, get(tok, ""))
	require.Equal(t, http.StatusUnauthorized, get(tok, "wrong-token-0123456789"))
	require.Equal(t, http.StatusOK, get(tok, "metrics-token-0123456789"))

	far := newE2E(t, store.SQLite, withEnv("B24PAY_METRICS_ALLOW", "10.0.0.0/8, 192.168.1.7"))
	require.Equal(t, http.StatusForbidden, get(far, ""), "the test runs from 127.0.0.1")
	near := newE2E(t, store.SQLite, withEnv("B24PAY_METRICS_ALLOW", "127.0.0.1"))
	require.Equal(t, http.StatusOK, get(near, ""))
}

// countingHost is a provider API that must never be called.
func countingHost(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestChangingAProviderURLNeedsItsSecretAgain(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t), withSBP(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	_, page := e.appPage(1)
	admin := settingsToken.FindStringSubmatch(page)[1]
	evil, calls := countingHost(t)

	form := url.Values{"token": {admin}, "ib_enabled": {"1"}, "ib_api_url": {evil.URL}, "ib_merchant_id": {e.ib.MerchantID()},
		"sbp_enabled": {"1"}, "sbp_api_url": {e.app.cfg.Billing.SBPURL}, "sbp_merchant_id": {"MA0000000552"}}
	status, page = e.saveSettings(form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, page, "Адрес API изменён — введите секрет заново")
	require.Zero(t, calls.Load(), "the stored token never went to the new host")

	form.Set("ib_api_url", e.app.cfg.Billing.InvoiceboxURL)
	form.Set("sbp_api_url", evil.URL)
	status, page = e.saveSettings(form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, page, "Адрес API изменён — введите секрет заново")
	require.Zero(t, calls.Load())
	require.True(t, e.app.payments.Has("invoicebox"), "nothing was switched")
}

func TestProviderHostsMustBePublicHTTPS(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withEnv("B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS", "false"))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	_, page := e.appPage(1)
	admin := settingsToken.FindStringSubmatch(page)[1]
	inside, calls := countingHost(t)

	for _, u := range []string{inside.URL, "https://127.0.0.1:8443", "https://10.1.2.3", "https://localhost"} {
		status, page = e.saveSettings(url.Values{"token": {admin}, "ib_enabled": {"1"}, "ib_api_url": {u},
			"ib_merchant_id": {"m1"}, "ib_token": {"t"}, "ib_notification_key": {"k"}})
		require.Equal(t, http.StatusUnprocessableEntity, status, u)
		require.Contains(t, page, msgProviderURL, u)
	}
	require.Zero(t, calls.Load())

	for _, v := range []string{"http://127.0.0.1:9000", "https://192.168.0.10", "https://[::1]:8443"} {
		_, err := LoadConfig(func(k string) string {
			return map[string]string{"B24PAY_INVOICEBOX_TOKEN": "t", "B24PAY_INVOICEBOX_MERCHANT_ID": "m",
				"B24PAY_INVOICEBOX_NOTIFICATION_KEY": "k", "B24PAY_INVOICEBOX_API_URL": v}[k]
		})
		require.ErrorContains(t, err, "B24PAY_INVOICEBOX_API_URL", v)
	}
}

// The admin token rides in the form's URL: a request without it is refused before its body is
// read, even when the body never ends.
func TestSettingsRefuseBeforeReadingTheBody(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	body, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	req, err := http.NewRequest(http.MethodPost, e.url+"/b24/settings", body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := http.DefaultClient.Do(req) // never returns if the handler waits for the body
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// A refund is booked before the tab reads the deal again: a busy portal then says the change is
// saved and will be sent, not that nothing happened.
func TestBusyBitrix24AfterASavedChangeSaysItIsSaved(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "sbp")
	_, err := e.bank.Pay(pay.Payment.ID, decimal.NewFromInt(10000))
	require.NoError(t, err)
	e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
	e.drain()

	e.portal.SetQueryLimitAlways(true)
	var body struct{ Error, Message string }
	require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, "/payments/"+pay.Payment.ID+"/refund",
		map[string]string{"amount": "100.00"}, &body))
	require.Equal(t, "Битрикс24 занят, изменения сохранены и будут отправлены", body.Message)
	require.Equal(t, int64(100_00), e.payment(pay.Payment.ID).RefundedMinor)
	e.portal.SetQueryLimitAlways(false)
	e.drain() // the outbox delivers the change once the portal has room
}
