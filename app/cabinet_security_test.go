package app

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/cabinet"
	"b24pay/store"
)

// The route walk (security_routes_test.go) gets a row per cabinet route: a POST without its form
// token is refused. The walk follows redirects, so the private pages' redirect to sign-in and
// another client's ids are tried by TestCabinetRoutesRefuseAnotherClientAndNoSession below.
func init() {
	noSession := func(method, path string, want int) routeRow {
		return routeRow{expired: func(*routeWalk) probe {
			p := probe{method: method, path: path, want: want}
			if method == http.MethodPost {
				p.form = url.Values{"provider": {"sbp"}}
			}
			return p
		}}
	}
	for key, row := range map[string]routeRow{
		"POST /api/v1/invite":                                 apiRow(http.MethodPost, "/invite", nil),
		"GET /cabinet":                                        {},
		"GET /cabinet/schedules":                              {},
		"GET /cabinet/payments":                               {},
		"GET /cabinet/profile":                                {},
		"POST /cabinet/profile":                               noSession(http.MethodPost, "/cabinet/profile", http.StatusForbidden),
		"POST /cabinet/instalments/:id/pay":                   noSession(http.MethodPost, "/cabinet/instalments/1/pay", http.StatusForbidden),
		"POST /cabinet/logout":                                noSession(http.MethodPost, "/cabinet/logout", http.StatusForbidden),
		"GET /cabinet/subscriptions":                          {},
		"POST /cabinet/subscriptions/:id/pause":               noSession(http.MethodPost, "/cabinet/subscriptions/1/pause", http.StatusForbidden),
		"POST /cabinet/subscriptions/:id/resume":              noSession(http.MethodPost, "/cabinet/subscriptions/1/resume", http.StatusForbidden),
		"POST /cabinet/subscriptions/:id/cancel":              noSession(http.MethodPost, "/cabinet/subscriptions/1/cancel", http.StatusForbidden),
		"POST /cabinet/subscriptions/:id/card":                noSession(http.MethodPost, "/cabinet/subscriptions/1/card", http.StatusForbidden),
		"POST /cabinet/subscriptions/:id/route":               noSession(http.MethodPost, "/cabinet/subscriptions/1/route", http.StatusForbidden),
		"GET /cabinet/subscriptions/:id/done":                 {},
		"GET /cabinet/payments/:id/receipt":                   {},
		"GET /cabinet/subscriptions/:id/charges/:seq/receipt": {},
		"GET /cabinet/users":                                  {},
		"POST /cabinet/users/invite":                          noSession(http.MethodPost, "/cabinet/users/invite", http.StatusForbidden),
		"POST /cabinet/users/:id/remove":                      noSession(http.MethodPost, "/cabinet/users/1/remove", http.StatusForbidden),
		// Public forms: a POST without the visitor's form token is refused; GETs only render.
		"GET /cabinet/register": {}, "GET /cabinet/login": {}, "GET /cabinet/forgot": {}, "GET /cabinet/reset": {},
		"GET /cabinet/verify":    {},
		"POST /cabinet/register": noSession(http.MethodPost, "/cabinet/register", http.StatusForbidden),
		"POST /cabinet/login":    noSession(http.MethodPost, "/cabinet/login", http.StatusForbidden),
		"POST /cabinet/forgot":   noSession(http.MethodPost, "/cabinet/forgot", http.StatusForbidden),
		"POST /cabinet/reset":    noSession(http.MethodPost, "/cabinet/reset", http.StatusForbidden),
	} {
		securityRoutes[key] = row
	}
}

// cabinetIDOR is two signed-in clients: the deal's company (with a schedule) and a stranger.
type cabinetIDOR struct {
	*cabinetE2E
	owner, stranger, anonymous *browser
	instalmentID               string
	subscriptionID             string // the owner's, paid for its first period
	paymentID                  string // the owner's paid payment of the first instalment
}

func newCabinetIDOR(t *testing.T) *cabinetIDOR {
	var shop *yookassafake.Shop
	e := newCabinetE2E(t, store.SQLite, withSBP(t), withYooKassa(t, &shop, "127.0.0.1/32"))
	_, paid := e.paidFirstPeriod(shop)
	require.Equal(t, http.StatusOK, e.postYooKassa(paid))
	var subID int64
	require.NoError(t, e.db.Table("subscriptions").Select("id").Scan(&subID).Error)
	s := e.managerSchedule(t)
	stranger := url.Values{"kind": {"person"}, "name": {"Чужой"}, "email": {"mallory@example.ru"}, "phone": {"+79007770000"},
		"password": {"correct horse battery"}}
	e.emailOnCompany(t, "anna@romashka.ru")
	owner := e.signedIn(t, companyForm("anna@romashka.ru"))
	owner.get("/cabinet/schedules")
	return &cabinetIDOR{cabinetE2E: e, owner: owner, stranger: e.signedIn(t, stranger), anonymous: e.browser(t),
		instalmentID: itoa(s.Schedule.Instalments[1].ID), subscriptionID: itoa(subID),
		paymentID: e.paidInstalment(t, owner, s.Schedule.Instalments[0].ID)}
}

// cabinetAttack is one cabinet route tried as the stranger with the owner's ids, and with no session.
type cabinetAttack struct {
	method, path string
	form         url.Values
	secret       string // what the owner sees there and the stranger must not ("" for forms)
	foreign      int    // the stranger's answer
}

func TestCabinetRoutesRefuseAnotherClientAndNoSession(t *testing.T) {
	t.Parallel()
	w := newCabinetIDOR(t)
	sub := "/cabinet/subscriptions/" + w.subscriptionID
	attacks := map[string]cabinetAttack{
		"GET /cabinet":                                        {method: http.MethodGet, path: "/cabinet", secret: "10\u00a0000,00", foreign: http.StatusOK},
		"GET /cabinet/schedules":                              {method: http.MethodGet, path: "/cabinet/schedules", secret: "Поставка оборудования", foreign: http.StatusOK},
		"GET /cabinet/payments":                               {method: http.MethodGet, path: "/cabinet/payments", foreign: http.StatusOK},
		"GET /cabinet/profile":                                {method: http.MethodGet, path: "/cabinet/profile", secret: "anna@romashka.ru", foreign: http.StatusOK},
		"POST /cabinet/profile":                               {method: http.MethodPost, path: "/cabinet/profile", form: url.Values{"name": {"X"}, "phone": {"+79000000000"}}, foreign: http.StatusSeeOther},
		"POST /cabinet/instalments/:id/pay":                   {method: http.MethodPost, path: "/cabinet/instalments/" + w.instalmentID + "/pay", form: url.Values{"provider": {"sbp"}}, foreign: http.StatusNotFound},
		"POST /cabinet/logout":                                {method: http.MethodPost, path: "/cabinet/logout", form: url.Values{}, foreign: http.StatusSeeOther},
		"GET /cabinet/subscriptions":                          {method: http.MethodGet, path: "/cabinet/subscriptions", secret: "Обслуживание оборудования", foreign: http.StatusOK},
		"GET /cabinet/payments/:id/receipt":                   {method: http.MethodGet, path: "/cabinet/payments/" + w.paymentID + "/receipt", secret: "ООО «Ромашка»", foreign: http.StatusNotFound},
		"GET /cabinet/subscriptions/:id/charges/:seq/receipt": {method: http.MethodGet, path: sub + "/charges/0/receipt", secret: "ООО «Ромашка»", foreign: http.StatusNotFound},
		"POST /cabinet/subscriptions/:id/pause":               {method: http.MethodPost, path: sub + "/pause", form: url.Values{"from": {"2026-12-10"}, "until": {"2026-12-31"}}, foreign: http.StatusNotFound},
		"POST /cabinet/subscriptions/:id/resume":              {method: http.MethodPost, path: sub + "/resume", form: url.Values{}, foreign: http.StatusNotFound},
		"POST /cabinet/subscriptions/:id/cancel":              {method: http.MethodPost, path: sub + "/cancel", form: url.Values{"when": {"now"}}, foreign: http.StatusNotFound},
		"POST /cabinet/subscriptions/:id/card":                {method: http.MethodPost, path: sub + "/card", form: url.Values{}, foreign: http.StatusNotFound},
		"POST /cabinet/subscriptions/:id/route":               {method: http.MethodPost, path: sub + "/route", form: url.Values{"route": {"sbp"}, "consent": {"1"}}, foreign: http.StatusNotFound},
		"GET /cabinet/subscriptions/:id/done":                 {method: http.MethodGet, path: sub + "/done", foreign: http.StatusNotFound},
		"GET /cabinet/users":                                  {method: http.MethodGet, path: "/cabinet/users", secret: "anna@romashka.ru", foreign: http.StatusOK},
		"POST /cabinet/users/invite":                          {method: http.MethodPost, path: "/cabinet/users/invite", form: url.Values{"name": {"X"}, "email": {"x@example.ru"}}, foreign: http.StatusForbidden},
		"POST /cabinet/users/:id/remove":                      {method: http.MethodPost, path: "/cabinet/users/" + w.accountID(t, "anna@romashka.ru") + "/remove", form: url.Values{}, foreign: http.StatusNotFound},
	}
	// The owner sees their own rows (so the secrets below mean something).
	require.Contains(t, w.owner.get("/cabinet").body, "10\u00a0000,00")
	require.Contains(t, w.owner.get("/cabinet/schedules").body, "Поставка оборудования")

	var private []string
	for _, rt := range w.app.Router().Routes() {
		key := rt.Method + " " + rt.Path
		if strings.HasPrefix(rt.Path, "/cabinet") && !publicCabinetRoute(rt.Method, rt.Path) {
			private = append(private, key)
		}
	}
	sort.Slice(private, func(i, j int) bool { // signing out goes last
		if (private[i] == "POST /cabinet/logout") != (private[j] == "POST /cabinet/logout") {
			return private[j] == "POST /cabinet/logout"
		}
		return private[i] < private[j]
	})
	for _, key := range private {
		a, ok := attacks[key]
		if !ok {
			t.Errorf("cabinet route %s has no row: say what another client and no session get there", key)
			continue
		}
		t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
			if a.method == http.MethodGet {
				got := w.stranger.get(a.path)
				require.Equal(t, a.foreign, got.status)
				if a.secret != "" {
					require.NotContains(t, got.body, a.secret, "the stranger sees the owner's data")
				}
				anon := w.anonymous.get(a.path)
				require.Equal(t, http.StatusSeeOther, anon.status)
				require.Equal(t, "/cabinet/login?next="+url.QueryEscape(a.path), anon.location)
				return
			}
			w.stranger.get("/cabinet/profile") // fresh form token
			require.Equal(t, a.foreign, w.stranger.post(a.path, cloneForm(a.form)).status)
			w.anonymous.get("/cabinet/login") // a form token of a visitor without a session
			anon := w.anonymous.post(a.path, cloneForm(a.form))
			require.Equal(t, http.StatusSeeOther, anon.status)
			require.Equal(t, "/cabinet/login", anon.location)
		})
	}
	payments, err := w.app.payments.ListFor(t.Context(), "instalment", []int64{int64(toInt(w.instalmentID))})
	require.NoError(t, err)
	require.Empty(t, payments, "no payment was opened by the stranger")
}

func publicCabinetRoute(method, path string) bool {
	switch path {
	case "/cabinet/register", "/cabinet/login", "/cabinet/forgot", "/cabinet/reset", "/cabinet/verify":
		return true
	}
	return false
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestCabinetFormsRefuseAMissingOrForeignCSRFToken(t *testing.T) {
	t.Parallel()
	w := newCabinetIDOR(t)
	w.stranger.get("/cabinet/profile")
	strangerToken := w.stranger.csrf
	w.owner.get("/cabinet/profile")
	sent := w.queuedMail(t)
	for name, token := range map[string]string{"Missing": "", "Forged": "AAAA", "AnotherVisitors": strangerToken} {
		t.Run(name, func(t *testing.T) {
			form := url.Values{"csrf": {token}, "name": {"Взломщик"}, "phone": {"+79000000000"}}
			require.Equal(t, http.StatusForbidden, w.owner.post("/cabinet/profile", form).status)
			pay := url.Values{"csrf": {token}, "provider": {"sbp"}}
			require.Equal(t, http.StatusForbidden, w.owner.post("/cabinet/instalments/"+w.instalmentID+"/pay", pay).status)
			reg := companyForm("victim@example.ru")
			reg.Set("csrf", token)
			require.Equal(t, http.StatusForbidden, w.anonymous.post("/cabinet/register", reg).status)
		})
	}
	require.NotContains(t, w.owner.get("/cabinet/profile").body, "Взломщик")
	require.Equal(t, sent, w.queuedMail(t), "no registration went through")
}

func TestCabinetSignInRenewsTheSession(t *testing.T) {
	t.Parallel()
	w := newCabinetIDOR(t)
	planted := w.stranger.cookie("session") // the attacker's own live session, planted in the victim's browser
	require.NotEmpty(t, planted)
	victim := w.browser(t)
	u, _ := url.Parse(w.url)
	victim.http.Jar.SetCookies(u, []*http.Cookie{{Name: "b24cab_session", Value: planted, Path: "/"}})
	victim.get("/cabinet/login")
	require.Equal(t, http.StatusSeeOther, victim.post("/cabinet/login", url.Values{"email": {"anna@romashka.ru"},
		"password": {"correct horse battery"}}).status)
	require.NotEqual(t, planted, victim.cookie("session"), "a new session id at sign-in")
	_, err := w.app.cabinet.Session(t.Context(), planted)
	require.ErrorIs(t, err, cabinet.ErrNoSession, "the planted session is gone")
	require.Equal(t, http.StatusSeeOther, w.stranger.get("/cabinet").status, "the attacker is signed out")
	require.Contains(t, victim.get("/cabinet/profile").body, "anna@romashka.ru")
}

func TestCabinetSignInIsThrottledAndAnswersAlike(t *testing.T) {
	t.Parallel()
	w := newCabinetIDOR(t)
	b := w.browser(t)
	b.get("/cabinet/login")
	unknown := b.post("/cabinet/login", url.Values{"email": {"nobody@example.ru"}, "password": {"whatever-123"}})
	wrong := b.post("/cabinet/login", url.Values{"email": {"anna@romashka.ru"}, "password": {"whatever-123"}})
	require.Equal(t, unknown.status, wrong.status)
	require.Equal(t, strings.Replace(unknown.body, "nobody@example.ru", "anna@romashka.ru", 1), wrong.body,
		"the same page for an unknown address and a wrong password")
	for range cabinet.DefaultLimits.SignInAccount.Max - 1 {
		require.Equal(t, http.StatusUnauthorized, b.post("/cabinet/login", url.Values{"email": {"anna@romashka.ru"},
			"password": {"guess-guess"}}).status)
	}
	locked := b.post("/cabinet/login", url.Values{"email": {"anna@romashka.ru"}, "password": {"correct horse battery"}})
	require.Equal(t, http.StatusTooManyRequests, locked.status, "locked even with the right password")

	b.get("/cabinet/forgot")
	forgot := b.post("/cabinet/forgot", url.Values{"email": {"nobody@example.ru"}})
	known := b.post("/cabinet/forgot", url.Values{"email": {"anna@romashka.ru"}})
	require.Equal(t, forgot.body, known.body, "the reset form does not tell whether the address exists")

	link := w.linkTo(t, "anna@romashka.ru", "reset")
	b.get(link)
	tok, _ := url.Parse(link)
	require.Equal(t, http.StatusOK, b.post("/cabinet/reset", url.Values{"token": {tok.Query().Get("token")},
		"password": {"a brand new passphrase"}}).status)
	require.Equal(t, http.StatusSeeOther, w.owner.get("/cabinet").status, "the reset ended the owner's sessions")
}
