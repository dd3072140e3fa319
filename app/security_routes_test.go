package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/instalment"
	"b24pay/store"
)

// routeWalk is an installed portal with a deal and a lead that each have a schedule and an SBP
// payment, after one uninstall and reinstall, with the tokens signed before it kept.
type routeWalk struct {
	*e2e
	deal, lead       *instalment.View
	dealTok, leadTok string // signed after the reinstall
	adminTok         string
	oldDeal, oldAdm  string // signed before the uninstall
	leadPayment      string // a payment of the lead
	subscription     int64  // a subscription of the deal
}

func newRouteWalk(t *testing.T) *routeWalk {
	var shop *yookassafake.Shop
	e := newE2E(t, store.SQLite, withInvoicebox(t), withSBP(t), withYooKassa(t, &shop, "127.0.0.1/32"))
	w := &routeWalk{e2e: e}
	w.oldDeal, w.deal = e.payable()
	w.oldAdm = w.adminToken()
	lead, err := e.portal.AddItem(1, map[string]any{"TITLE": "Заявка", "OPPORTUNITY": "120000", "CURRENCY_ID": "RUB",
		"ASSIGNED_BY_ID": 2})
	require.NoError(t, err)
	action, fields := e.PlacementForm(lead, 2)
	fields.Set("PLACEMENT", "CRM_LEAD_DETAIL_TAB")
	w.leadTok = e.openTabAt(action, fields)
	var s scheduleResponse
	require.Equal(t, http.StatusCreated, e.api(w.leadTok, http.MethodPost, "/schedule", twelveMonths(), &s))
	w.lead = s.Schedule
	w.leadPayment = e.pay(w.leadTok, w.lead.Instalments[0].ID, "sbp").Payment.ID

	require.NoError(t, e.portal.SendAppUninstall(e.url+"/b24/events", false))
	e.portal.Flush()
	status, body := e.install()
	require.Equal(t, http.StatusOK, status, body)
	w.dealTok = e.openTab(e.dealID, 2)
	w.leadTok = e.openTabAt(action, fields)
	w.adminTok = w.adminToken()
	var sub struct {
		Subscription struct{ ID int64 } `json:"subscription"`
	}
	require.Equal(t, http.StatusCreated, e.api(w.dealTok, http.MethodPost, "/subscriptions", newSubscriptionForm(), &sub))
	w.subscription = sub.Subscription.ID
	return w
}

func (w *routeWalk) adminToken() string {
	_, page := w.appPage(1)
	m := settingsToken.FindStringSubmatch(page)
	require.NotNil(w.t, m, "the admin sees the settings form")
	return m[1]
}

// expired is a well-signed token of the deal that ran out.
func (w *routeWalk) expired(admin bool) string {
	claims, err := w.app.tabs.verify(w.dealTok, w.clock.Now())
	require.NoError(w.t, err)
	if admin {
		claims, err = w.app.tabs.verify(w.adminTok, w.clock.Now())
		require.NoError(w.t, err)
	}
	return w.app.tabs.sign(claims, w.clock.Now().Add(-tabTokenTTL-time.Second))
}

// probe is one request of the walk; want is the status it must get.
type probe struct {
	method, path, auth string // auth: a bearer token
	query              url.Values
	form               url.Values // sent as a form body
	json               any
	want               int
	has                string // the answer's body must contain this, when set
}

func (w *routeWalk) do(p probe) (int, string) {
	w.t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case p.form != nil:
		body, ctype = strings.NewReader(p.form.Encode()), "application/x-www-form-urlencoded"
	case p.json != nil:
		b, _ := json.Marshal(p.json)
		body, ctype = bytes.NewReader(b), "application/json"
	}
	u := w.url + p.path
	if p.query != nil {
		u += "?" + p.query.Encode()
	}
	req, err := http.NewRequest(p.method, u, body)
	require.NoError(w.t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if p.auth != "" {
		req.Header.Set("Authorization", "Bearer "+p.auth)
	}
	return w.send(req)
}

// pageForm is a genuine Bitrix24 page request to path, split into query and form.
func (w *routeWalk) pageForm(path, placement string, options map[string]any, userID int) (url.Values, url.Values) {
	req, err := w.portal.AppPageRequest(w.url+path, placement, options, userID)
	require.NoError(w.t, err)
	b, _ := io.ReadAll(req.Body)
	form, err := url.ParseQuery(string(b))
	require.NoError(w.t, err)
	return req.URL.Query(), form
}

// routeRow says how each attack is made on one route; a nil case does not apply (the reason is
// in the comment of the row).
type routeRow struct {
	foreign, expired, revoked func(w *routeWalk) probe
}

func bearer(method, path string, body any, want int, tok func(w *routeWalk) string) func(w *routeWalk) probe {
	return func(w *routeWalk) probe {
		return probe{method: method, path: path, json: body, auth: tok(w), want: want}
	}
}

func apiRow(method, path string, body any) routeRow {
	return routeRow{
		expired: bearer(method, "/api/v1"+path, body, http.StatusUnauthorized, func(w *routeWalk) string { return w.expired(false) }),
		revoked: bearer(method, "/api/v1"+path, body, http.StatusUnauthorized, func(w *routeWalk) string { return w.oldDeal }),
	}
}

// instalmentRow attacks a route on /api/v1/instalments/:id with the lead's instalment and the deal's token.
func instalmentRow(method, suffix string, body any) routeRow {
	r := apiRow(method, "/instalments/1"+suffix, body)
	r.foreign = func(w *routeWalk) probe {
		return probe{method: method, path: "/api/v1/instalments/" + itoa(w.lead.Instalments[1].ID) + suffix, json: body,
			auth: w.dealTok, want: http.StatusNotFound}
	}
	return r
}

// subscriptionRow attacks a route on /api/v1/subscriptions/:id with the deal's subscription and
// the lead's token (same portal, another owner).
func subscriptionRow(suffix string, body any) routeRow {
	r := apiRow(http.MethodPost, "/subscriptions/1"+suffix, body)
	r.foreign = func(w *routeWalk) probe {
		return probe{method: http.MethodPost, path: "/api/v1/subscriptions/" + itoa(w.subscription) + suffix, json: body,
			auth: w.leadTok, want: http.StatusNotFound}
	}
	return r
}

func pageRow(path, placement string, userID int) routeRow {
	return routeRow{expired: func(w *routeWalk) probe {
		q, f := w.pageForm(path, placement, map[string]any{"ID": w.dealID}, userID)
		f.Set("AUTH_ID", "expired-"+f.Get("AUTH_ID"))
		return probe{method: http.MethodPost, path: path, query: q, form: f, want: http.StatusUnauthorized}
	}} // revoked: page requests carry the portal's own live token, not ours
}

// neverIssued asks a capability URL with a token that was never issued.
func neverIssued(method, path string) routeRow {
	return routeRow{foreign: func(*routeWalk) probe {
		return probe{method: method, path: path, form: url.Values{"consent": {"1"}}, want: http.StatusNotFound}
	}}
}

// adminRow attacks a page or form of the app page authorised by the signed admin token in its URL.
func adminRow(method, path string, query, form url.Values) routeRow {
	with := func(tok func(w *routeWalk) string) func(w *routeWalk) probe {
		return func(w *routeWalk) probe {
			q := url.Values{"token": {tok(w)}}
			for k, v := range query {
				q[k] = v
			}
			return probe{method: method, path: path, query: q, form: form, want: http.StatusUnauthorized}
		}
	}
	return routeRow{
		foreign: with(func(w *routeWalk) string { return w.dealTok }), // a tab token is no admin token
		expired: with(func(w *routeWalk) string { return w.expired(true) }),
		revoked: with(func(w *routeWalk) string { return w.oldAdm }),
	}
}

// paymentRow is a tab API route on a payment: a payment of another card (the lead's, from the
// deal's tab) is not found.
func paymentRow(method, action string, body any) routeRow {
	r := apiRow(method, "/payments/x"+action, body)
	r.foreign = func(w *routeWalk) probe {
		return probe{method: method, path: "/api/v1/payments/" + w.leadPayment + action,
			json: body, auth: w.dealTok, want: http.StatusNotFound}
	}
	return r
}

var edit = map[string]any{"due": "2027-02-01", "amount": "9000"}

// securityRoutes has a row for every route of the engine; TestEveryRouteRefusesForeignExpiredRevokedAndOversized
// fails for a route without one.
var securityRoutes = map[string]routeRow{
	// The tab API: the owner comes from the token, so routes without an id have no foreign case.
	"GET /api/v1/tab":                      apiRow(http.MethodGet, "/tab", nil),
	"GET /api/v1/schedule":                 apiRow(http.MethodGet, "/schedule", nil),
	"POST /api/v1/preview":                 apiRow(http.MethodPost, "/preview", twelveMonths()),
	"POST /api/v1/schedule":                apiRow(http.MethodPost, "/schedule", twelveMonths()),
	"DELETE /api/v1/schedule":              apiRow(http.MethodDelete, "/schedule", nil),
	"PATCH /api/v1/instalments/:id":        instalmentRow(http.MethodPatch, "", edit),
	"POST /api/v1/instalments/:id/preview": instalmentRow(http.MethodPost, "/preview", edit),
	"POST /api/v1/instalments/:id/invoice": instalmentRow(http.MethodPost, "/invoice", nil),
	"POST /api/v1/instalments/:id/pay":     instalmentRow(http.MethodPost, "/pay", map[string]string{"provider": "sbp"}),
	"POST /api/v1/payments/:id/refund":     paymentRow(http.MethodPost, "/refund", map[string]string{"amount": "1"}),
	"POST /api/v1/payments/:id/send":       paymentRow(http.MethodPost, "/send", map[string]string{"channel": "timeline"}),
	"GET /api/v1/payments/:id/send":        paymentRow(http.MethodGet, "/send", nil),

	// Bitrix24's pages: verified with the portal on every request.
	"POST /b24/install": pageRow("/b24/install", "", 1),
	"POST /b24/app":     pageRow("/b24/app", "", 1),
	"POST /b24/placement": func() routeRow {
		r := pageRow("/b24/placement", "CRM_DEAL_DETAIL_TAB", 2)
		r.foreign = func(w *routeWalk) probe { // a deal that is not there
			q, f := w.pageForm("/b24/placement", "CRM_DEAL_DETAIL_TAB", map[string]any{"ID": 987654}, 2)
			return probe{method: http.MethodPost, path: "/b24/placement", query: q, form: f, want: http.StatusNotFound}
		}
		return r
	}(),
	"POST /b24/events": {
		foreign: func(w *routeWalk) probe { // another portal's member id
			return probe{method: http.MethodPost, path: "/b24/events", want: http.StatusUnauthorized,
				form: url.Values{"event": {"ONCRMDEALUPDATE"}, "data[FIELDS][ID]": {"1"}, "auth[domain]": {w.portal.Domain()},
					"auth[member_id]": {"someone-else"}, "auth[application_token]": {w.portal.ApplicationToken()}}}
		},
		expired: func(w *routeWalk) probe { // an application token of an earlier install
			return probe{method: http.MethodPost, path: "/b24/events", want: http.StatusUnauthorized,
				form: url.Values{"event": {"ONCRMDEALUPDATE"}, "data[FIELDS][ID]": {"1"}, "auth[domain]": {w.portal.Domain()},
					"auth[member_id]": {w.portal.MemberID()}, "auth[application_token]": {"old-app-token"}}}
		},
	},
	"POST /b24/paysystem/:code": {
		foreign: func(w *routeWalk) probe { // a key of another portal: refused the way Bitrix24 reads it (200 + PAYMENT_ERRORS)
			return probe{method: http.MethodPost, path: "/b24/paysystem/sbp", want: http.StatusOK, has: "PAYMENT_ERRORS",
				form: url.Values{"B24PAY_KEY": {"other-portal"}, "BX_SYSTEM_PARAMS[PAYMENT_ID]": {"1"},
					"BX_SYSTEM_PARAMS[SUM]": {"100"}}}
		},
	},
	"POST /b24/robot/split": {
		foreign: func(w *routeWalk) probe { // another portal's member id
			return probe{method: http.MethodPost, path: "/b24/robot/split", want: http.StatusUnauthorized,
				form: w.robotForm("walk-1", 1, w.portal.ApplicationToken(), "someone-else")}
		},
		expired: func(w *routeWalk) probe { // an application token of an earlier install
			return probe{method: http.MethodPost, path: "/b24/robot/split", want: http.StatusUnauthorized,
				form: w.robotForm("walk-2", 1, "old-app-token", w.portal.MemberID())}
		},
	},
	"POST /b24/settings/holidays":        adminRow(http.MethodPost, "/b24/settings/holidays", nil, url.Values{"hol_from": {"2029-01-06"}, "hol_to": {"2029-12-31"}}),
	"POST /b24/settings/check":           adminRow(http.MethodPost, "/b24/settings/check", nil, url.Values{"route": {"invoicebox"}}),
	"POST /b24/settings/holidays/delete": adminRow(http.MethodPost, "/b24/settings/holidays/delete", nil, url.Values{"id": {"1"}}),
	"POST /b24/settings": {
		foreign: func(w *routeWalk) probe { // a tab token is no admin token
			return probe{method: http.MethodPost, path: "/b24/settings", query: url.Values{"token": {w.dealTok}},
				form: url.Values{"ib_enabled": {"1"}}, want: http.StatusUnauthorized}
		},
		expired: func(w *routeWalk) probe {
			return probe{method: http.MethodPost, path: "/b24/settings", query: url.Values{"token": {w.expired(true)}},
				form: url.Values{"ib_enabled": {"1"}}, want: http.StatusUnauthorized}
		},
		revoked: func(w *routeWalk) probe {
			return probe{method: http.MethodPost, path: "/b24/settings", query: url.Values{"token": {w.oldAdm}},
				form: url.Values{"ib_enabled": {"1"}}, want: http.StatusUnauthorized}
		},
	},

	// The split API: the owner comes from the token; a split of another deal is not found
	// (TestE2ETabSplitChecksOwnership walks a real one).
	"GET /api/v1/split/invoices": apiRow(http.MethodGet, "/split/invoices", nil),
	"POST /api/v1/split/preview": apiRow(http.MethodPost, "/split/preview", map[string]any{"parts": 2}),
	"POST /api/v1/split":         apiRow(http.MethodPost, "/split", map[string]any{"parts": 2}),
	"GET /api/v1/split/:id": func() routeRow {
		r := apiRow(http.MethodGet, "/split/1", nil)
		r.foreign = bearer(http.MethodGet, "/api/v1/split/987654", nil, http.StatusNotFound, func(w *routeWalk) string { return w.dealTok })
		return r
	}(),

	// Subscriptions: the tab creates one for its own deal; the consent page's token is the capability.
	"POST /api/v1/subscriptions": apiRow(http.MethodPost, "/subscriptions", map[string]any{"amount": "1000"}),
	"POST /api/v1/subscriptions/:id/pause": subscriptionRow("/pause",
		map[string]string{"from": "2026-12-01", "until": "2026-12-31"}),
	"POST /api/v1/subscriptions/:id/resume": subscriptionRow("/resume", nil),
	"POST /api/v1/subscriptions/:id/cancel": subscriptionRow("/cancel", map[string]bool{"at_period_end": false}),
	"POST /api/v1/subscriptions/:id/amount": subscriptionRow("/amount", map[string]string{"amount": "1500"}),
	"POST /api/v1/subscriptions/:id/charges/:seq/refund": subscriptionRow("/charges/0/refund",
		map[string]string{"amount": "1", "reason": "проверка"}),
	// The list shows the owner's subscriptions only: the lead's token sees none of the deal's.
	"GET /api/v1/subscriptions": func() routeRow {
		r := apiRow(http.MethodGet, "/subscriptions", nil)
		r.foreign = func(w *routeWalk) probe {
			return probe{method: http.MethodGet, path: "/api/v1/subscriptions", auth: w.leadTok, want: http.StatusOK,
				has: `{"subscriptions":[]}`}
		}
		return r
	}(),
	"GET /s/:token":         neverIssued(http.MethodGet, "/s/never-issued"),
	"POST /s/:token":        neverIssued(http.MethodPost, "/s/never-issued"),
	"POST /s/:token/amount": neverIssued(http.MethodPost, "/s/never-issued/amount"),
	"GET /s/:token/done":    neverIssued(http.MethodGet, "/s/never-issued/done"),
	"GET /s/:token/card":    neverIssued(http.MethodGet, "/s/never-issued/card"),
	"POST /s/:token/card":   neverIssued(http.MethodPost, "/s/never-issued/card"),
	"POST /s/:token/cancel": neverIssued(http.MethodPost, "/s/never-issued/cancel"),

	// The finance page and its export: the admin token of the app page in the query.
	"GET /b24/finance":        adminRow(http.MethodGet, "/b24/finance", nil, nil),
	"GET /b24/finance/export": adminRow(http.MethodGet, "/b24/finance/export", url.Values{"table": {"register"}}, nil),
	// Marking a company payment paid (finance role or admin) and granting the role (admin only).
	"POST /b24/finance/company-payments/paid": adminRow(http.MethodPost, "/b24/finance/company-payments/paid", nil,
		url.Values{"item": {"1"}, "date": {"2027-01-31"}}),
	"POST /b24/finance/roles": adminRow(http.MethodPost, "/b24/finance/roles", nil, url.Values{"users": {"7"}}),
	// BI: off (404) without B24PAY_BI_TOKEN, as here; its bearer check is TestFinanceBIEndpointAndXLSXExport.
	"GET /bi/finance": {foreign: func(*routeWalk) probe {
		return probe{method: http.MethodGet, path: "/bi/finance", auth: "someone-elses-token-0123456789", want: http.StatusNotFound}
	}},

	// Pay pages: the token in the path is the capability; one that was never issued is not found.
	"GET /pay/:token": {foreign: func(*routeWalk) probe {
		return probe{method: http.MethodGet, path: "/pay/never-issued", want: http.StatusNotFound}
	}},
	"GET /pay/:token/qr.png": {foreign: func(*routeWalk) probe {
		return probe{method: http.MethodGet, path: "/pay/never-issued/qr.png", want: http.StatusNotFound}
	}},

	// Public or provider-signed routes: only the body cap applies here.
	"GET /healthz": {}, "GET /readyz": {}, "GET /metrics": {}, "GET /": {}, "GET /docs/:name": {},
	"GET /static/*filepath": {}, "HEAD /static/*filepath": {},
	"POST /webhooks/invoicebox": {}, "POST /webhooks/sbp": {}, "POST /webhooks/yookassa": {},
}

func TestEveryRouteRefusesForeignExpiredRevokedAndOversized(t *testing.T) {
	w := newRouteWalk(t)
	routes := w.app.Router().Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	before := w.outboxRows()
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		row, ok := securityRoutes[key]
		if !ok {
			t.Errorf("route %s has no row in securityRoutes: say how it is authorised and bounded", key)
			continue
		}
		t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
			for name, attack := range map[string]func(*routeWalk) probe{"foreign": row.foreign, "expired": row.expired,
				"revoked": row.revoked} {
				if attack == nil {
					continue
				}
				p := attack(w)
				status, body := w.do(p)
				require.Equal(t, p.want, status, "%s: %s", name, body)
				require.Contains(t, body, p.has, name)
			}
			path := strings.NewReplacer(":id", "1", ":token", "x", ":code", "sbp", "*filepath", "b24pay.css", ":name", "ARCHITECTURE.md").Replace(rt.Path)
			limit := int64(defaultBodyCap)
			if n, ok := bodyCaps[key]; ok {
				limit = n
			}
			req, err := http.NewRequest(rt.Method, w.url+path, bytes.NewReader(make([]byte, limit+1)))
			require.NoError(t, err)
			status, _ := w.send(req)
			require.Equal(t, http.StatusRequestEntityTooLarge, status, "oversized body")
		})
	}
	require.Equal(t, before, w.outboxRows(), "no refused request left a side effect")
	// The lead's rows are untouched by the deal's token.
	var lead scheduleResponse
	require.Equal(t, http.StatusOK, w.api(w.leadTok, http.MethodGet, "/schedule", nil, &lead))
	require.Equal(t, w.lead.Instalments[1].Amount, lead.Schedule.Instalments[1].Amount)
	require.Nil(t, lead.Schedule.Instalments[1].InvoiceID)
}
