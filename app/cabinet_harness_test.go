package app

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/stretchr/testify/require"

	"b24pay/cabinet"
)

// cabinetE2E is the whole service with the cabinet's mail captured and cheap password hashing.
type cabinetE2E struct {
	*e2e
	mail *cabinet.CaptureMailer
}

var cheapArgon = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func newCabinetE2E(t *testing.T, dialect string, opts ...e2eOption) *cabinetE2E {
	e := newE2E(t, dialect, opts...)
	status, body := e.install()
	require.Equal(t, http.StatusOK, status, body)
	ce := &cabinetE2E{e2e: e, mail: &cabinet.CaptureMailer{}}
	svc, err := cabinet.NewService(e.db, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), ce.mail,
		cabinet.B24Cards{Clients: e.app.b24}, cabinet.Config{BaseURL: e.url, Argon: cheapArgon})
	require.NoError(t, err)
	e.app.cabinet = svc
	return ce
}

// browser is one visitor with a cookie jar; it does not follow redirects (tests look at them).
type browser struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string // the form token of the last page
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *cabinetE2E) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: e.url, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	status   int
	body     string
	location string
}

func (b *browser) do(req *http.Request) answer {
	b.t.Helper()
	resp, err := b.http.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return answer{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) answer {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post sends a form with the last page's CSRF token (unless the form sets its own).
func (b *browser) post(path string, form url.Values) answer {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// cookie returns the value of a cabinet cookie the browser holds.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == "b24cab_"+name {
			return c.Value
		}
	}
	return ""
}

// managerSchedule is the 12-month plan a manager saves in the deal's tab, pushed to Bitrix24.
func (e *cabinetE2E) managerSchedule(t *testing.T) scheduleResponse {
	token := e.openTab(e.dealID, 2)
	var s scheduleResponse
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
	e.drain()
	return s
}

// emailOnCompany puts the client's e-mail on the deal's company card, as a manager who knows it does.
func (e *cabinetE2E) emailOnCompany(t *testing.T, email string) {
	deal, ok := e.portal.Item(2, e.dealID)
	require.True(t, ok)
	require.NoError(t, e.portal.UserUpdateItem(4, toInt(deal["companyId"]), map[string]any{
		"email": []any{map[string]any{"VALUE": email, "VALUE_TYPE": "WORK"}}}))
}

// companyForm registers the company of the harness's deal (its ИНН is on the deal's company).
func companyForm(email string) url.Values {
	return url.Values{"kind": {"company"}, "name": {"Анна Смирнова"}, "email": {email}, "phone": {"+7 900 000-00-01"},
		"inn": {"7707083893"}, "kpp": {"770701001"}, "legal_name": {"ООО «Ромашка»"},
		"legal_address": {"125009, Москва, ул. Тверская, д. 1"}, "password": {"correct horse battery"}, "reminders": {"1"}}
}

var mailLink = regexp.MustCompile(`https?://[^\s]+/cabinet/(verify|reset)\?token=[\w-]+`)

// linkTo is the last cabinet link mailed to addr, as a path.
func (e *cabinetE2E) linkTo(t *testing.T, addr string) string {
	m, ok := e.mail.LastTo(addr)
	require.True(t, ok, "a message to %s", addr)
	link := mailLink.FindString(m.Body)
	require.NotEmpty(t, link, m.Body)
	return strings.TrimPrefix(link, e.url)
}

// signedIn registers, verifies and signs in a client of form.
func (e *cabinetE2E) signedIn(t *testing.T, form url.Values) *browser {
	b := e.browser(t)
	b.get("/cabinet/register")
	require.Equal(t, http.StatusOK, b.post("/cabinet/register", form).status)
	require.Equal(t, http.StatusOK, b.get(e.linkTo(t, form.Get("email"))).status)
	a := b.post("/cabinet/login", url.Values{"email": {form.Get("email")}, "password": {form.Get("password")}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	return b
}
