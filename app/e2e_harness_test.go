package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/billing/sbp/sbpfake"
	"b24pay/bitrix/b24fake"
	"b24pay/clock"
	"b24pay/portal"
	"b24pay/store"
	"b24pay/store/storetest"
)

// e2e is the whole service on an httptest server, installed into a fake Bitrix24 portal that
// delivers its events back to it. Background work is driven by the test: drain() runs the outbox.
type e2e struct {
	t      testing.TB
	app    *App
	url    string // the app's public URL
	portal *b24fake.Portal
	clock  *clock.Frozen
	db     *store.DB
	dealID int
	ib     *invoiceboxfake.Server // nil unless the test asked for Invoicebox
	bank   *sbpfake.Bank          // nil unless the test asked for SBP
	front  *lateHandler           // what the app's public URL serves (a test may put a balancer there)

	portalURL   string         // the configured portal's origin
	portalPages *http.ServeMux // extra pages served on the portal's origin
}

// e2eOption adds a payment route to the harness.
type e2eOption func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string)

// withSBP configures the SBP route against the fake bank, which calls back the app.
func withSBP(t testing.TB, edit ...func(*sbpfake.Config)) e2eOption {
	return func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string) {
		cfg := sbpfake.Config{SBPMerchantID: "MA0000000552", SecretKey: "sbp-secret",
			NotificationURL: publicURL + "/webhooks/sbp", Now: clk.Now}
		for _, ed := range edit {
			ed(&cfg)
		}
		e.bank = sbpfake.New(cfg)
		srv := httptest.NewServer(e.bank)
		t.Cleanup(srv.Close)
		env["B24PAY_SBP_API_URL"], env["B24PAY_SBP_MERCHANT_ID"], env["B24PAY_SBP_SECRET_KEY"] = srv.URL, "MA0000000552", "sbp-secret"
	}
}

// withInvoicebox configures the Invoicebox route against its fake, which notifies the app.
func withInvoicebox(t testing.TB) e2eOption {
	return func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string) {
		f := invoiceboxfake.New(invoiceboxfake.Options{NotificationKey: "notify-key", Now: clk.Now,
			NotificationURL: publicURL + "/webhooks/invoicebox"})
		e.ib = f
		srv := httptest.NewServer(f)
		t.Cleanup(srv.Close)
		env["B24PAY_INVOICEBOX_API_URL"], env["B24PAY_INVOICEBOX_TOKEN"] = srv.URL, f.Token()
		env["B24PAY_INVOICEBOX_MERCHANT_ID"], env["B24PAY_INVOICEBOX_NOTIFICATION_KEY"] = f.MerchantID(), "notify-key"
		env["B24PAY_INVOICEBOX_VAT"] = "22"
	}
}

const e2eSecretKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes, base64

// lateHandler lets the app's server start (so its URL is known for the config) before the app exists.
type lateHandler struct {
	mu sync.RWMutex
	h  http.Handler
}

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.RLock()
	h := l.h
	l.mu.RUnlock()
	if h == nil {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}

func newE2E(t testing.TB, dialect string, opts ...e2eOption) *e2e {
	t.Helper()
	late := &lateHandler{}
	appSrv := httptest.NewServer(late)
	t.Cleanup(appSrv.Close)

	fake := b24fake.New(b24fake.Options{MemberID: "a1b2c3d4e5f6", ClientID: "local.b24pay.1", ClientSecret: "client-secret",
		ApplicationToken: "app-token-0451", Rate: 1000, Burst: 1000})
	pages := http.NewServeMux() // pages of the portal itself (the deal card that frames the tab)
	b24Srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := pages.Handler(r); pattern != "" {
			h.ServeHTTP(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(b24Srv.Close)
	fake.SetBaseURL(b24Srv.URL)

	env := map[string]string{
		"B24PAY_ADDR": "127.0.0.1:0", "B24PAY_DATA_DIR": t.TempDir(), "B24PAY_PUBLIC_URL": appSrv.URL,
		"B24PAY_SECRET_KEY": e2eSecretKey, "B24PAY_B24_CLIENT_ID": "local.b24pay.1", "B24PAY_B24_CLIENT_SECRET": "client-secret",
		"B24PAY_B24_PORTAL_URL": b24Srv.URL, "B24PAY_B24_OAUTH_URL": b24Srv.URL, "B24PAY_B24_RATE": "1000", "B24PAY_B24_BURST": "1000",
		"B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS": "true", // the provider fakes listen on loopback
	}
	clk := clock.NewFrozen(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	e := &e2e{t: t, url: appSrv.URL, portal: fake, clock: clk, front: late, portalPages: pages, portalURL: b24Srv.URL}
	for _, opt := range opts {
		opt(e, env, clk, appSrv.URL)
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	cfg.B24.RetryBase = time.Millisecond // Bitrix24's rate-limit and transient backoff, shortened
	db := storetest.New(t, dialect)
	a, err := assemble(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), clk, db)
	require.NoError(t, err)
	late.mu.Lock()
	late.h = a.Router()
	late.mu.Unlock()

	e.app, e.db = a, db
	company, err := fake.AddItem(4, map[string]any{"TITLE": "ООО «Ромашка»"})
	require.NoError(t, err)
	var requisite int
	require.NoError(t, json.Unmarshal(e.rest("crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4,
		"ENTITY_ID": company, "PRESET_ID": 1, "NAME": "Реквизиты", "RQ_INN": "7707083893", "RQ_KPP": "770701001"}}), &requisite))
	e.rest("crm.address.add", map[string]any{"fields": map[string]any{"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite,
		"POSTAL_CODE": "125009", "CITY": "Москва", "ADDRESS_1": "ул. Тверская, д. 1"}})
	e.dealID, err = fake.AddItem(2, map[string]any{"TITLE": "Поставка оборудования", "OPPORTUNITY": "120000.00",
		"CURRENCY_ID": "RUB", "COMPANY_ID": company, "ASSIGNED_BY_ID": 2})
	require.NoError(t, err)
	return e
}

// rest calls the fake portal as the admin would.
func (e *e2e) rest(method string, params map[string]any) json.RawMessage {
	e.t.Helper()
	access, _ := e.portal.InstallTokens()
	params["auth"] = access
	body, _ := json.Marshal(params)
	resp, err := http.Post(e.portal.ClientEndpoint()+method+".json", "application/json", bytes.NewReader(body))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
	}
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&env))
	require.Empty(e.t, env.Error, method)
	return env.Result
}

// send performs a request built by the fake portal (install page, placement, …) against the app.
func (e *e2e) send(req *http.Request) (int, string) {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// install opens the install page as the portal's admin.
func (e *e2e) install() (int, string) {
	e.t.Helper()
	req, err := e.portal.AppPageRequest(e.url+"/b24/install", "", nil, 1)
	require.NoError(e.t, err)
	return e.send(req)
}

// PlacementForm is the POST Bitrix24 sends into the tab's iframe for a deal, for a user.
func (e *e2e) PlacementForm(dealID, userID int) (action string, fields url.Values) {
	e.t.Helper()
	req, err := e.portal.AppPageRequest(e.url+"/b24/placement", "CRM_DEAL_DETAIL_TAB", map[string]any{"ID": dealID}, userID)
	require.NoError(e.t, err)
	b, _ := io.ReadAll(req.Body)
	fields, err = url.ParseQuery(string(b))
	require.NoError(e.t, err)
	return req.URL.String(), fields
}

var tokenMeta = regexp.MustCompile(`<meta name="b24pay-token" content="([^"]+)"`)

// openTab opens the deal tab as a manager and returns the API token embedded in the page.
func (e *e2e) openTab(dealID, userID int) string {
	e.t.Helper()
	action, fields := e.PlacementForm(dealID, userID)
	return e.openTabAt(action, fields)
}

// openTabAt posts a placement form and returns the API token embedded in the page.
func (e *e2e) openTabAt(action string, fields url.Values) string {
	e.t.Helper()
	resp, err := http.Post(action, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(e.t, http.StatusOK, resp.StatusCode, string(b))
	m := tokenMeta.FindStringSubmatch(string(b))
	require.NotNil(e.t, m, "the tab embeds its API token")
	return m[1]
}

// api calls the tab's JSON API.
func (e *e2e) api(token, method, path string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(e.t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

// drain delivers pending events and runs the outbox until nothing is due.
func (e *e2e) drain() {
	e.t.Helper()
	for range 20 {
		e.portal.Flush()
		n, err := e.app.outbox.Drain(context.Background())
		require.NoError(e.t, err)
		e.portal.Flush()
		if n == 0 {
			var failing []string
			e.db.Table("outbox").Where("status <> 'done' AND last_error <> ''").Pluck("last_error", &failing)
			require.Empty(e.t, failing, "side effects failing")
			return
		}
	}
	e.t.Fatal("outbox did not settle")
}

// provisioned returns what install recorded.
func (e *e2e) provisioned() portal.Provisioned {
	e.t.Helper()
	p, err := e.app.portals.Get(context.Background(), e.portal.MemberID())
	require.NoError(e.t, err)
	return p.Provisioned()
}

// deadOutbox fails the test when any side effect was dead-lettered.
func (e *e2e) requireNoDeadOutbox() {
	e.t.Helper()
	var n int64
	require.NoError(e.t, e.db.Table("outbox").Where("status = 'dead'").Count(&n).Error)
	if n > 0 {
		var errs []string
		e.db.Table("outbox").Where("status = 'dead'").Pluck("last_error", &errs)
		e.t.Fatalf("dead outbox messages: %v", errs)
	}
}
