package app

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/cabinet"
	"b24pay/mail"
)

// cabinetE2E is the whole service with cheap password hashing; its mail lands in the local mailbox.
type cabinetE2E struct {
	*e2e
}

var cheapArgon = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func newCabinetE2E(t *testing.T, dialect string, opts ...e2eOption) *cabinetE2E {
	e := newE2E(t, dialect, opts...)
	status, body := e.install()
	require.Equal(t, http.StatusOK, status, body)
	ce := &cabinetE2E{e2e: e}
	svc, err := cabinet.NewService(e.db, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)),
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

// linkTo delivers the queued e-mails and returns, as a path, the one cabinet link of the page
// ("verify", "reset") in the mailbox's e-mails to addr.
func (e *cabinetE2E) linkTo(t *testing.T, addr, page string) string {
	e.drain()
	link := regexp.MustCompile(`https?://\S+/cabinet/` + page + `\?token=[\w-]+`)
	var found []string
	for _, m := range e.mailbox(t) {
		if m.to == addr {
			found = append(found, link.FindAllString(m.text, -1)...)
		}
	}
	require.Len(t, slices.Compact(found), 1, "one %s link mailed to %s", page, addr)
	return strings.TrimPrefix(found[0], e.url)
}

// queuedMail counts the e-mails ever queued.
func (e *cabinetE2E) queuedMail(t *testing.T) int64 {
	var n int64
	require.NoError(t, e.db.Table("outbox").Where("topic = ?", mail.Topic).Count(&n).Error)
	return n
}

// mailboxLetter is an e-mail in the local mailbox: its recipient and plain text.
type mailboxLetter struct{ to, text string }

// mailbox reads the e-mails the sender wrote into the data dir's mailbox.
func (e *cabinetE2E) mailbox(t *testing.T) []mailboxLetter {
	files, err := filepath.Glob(filepath.Join(e.app.cfg.DataDir, "mailbox", "*.eml"))
	require.NoError(t, err)
	var out []mailboxLetter
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		m, err := netmail.ReadMessage(bytes.NewReader(raw))
		require.NoError(t, err)
		to, err := m.Header.AddressList("To")
		require.NoError(t, err)
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		require.NoError(t, err)
		parts := multipart.NewReader(m.Body, params["boundary"])
		for {
			p, err := parts.NextPart() // decodes quoted-printable
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
				text, err := io.ReadAll(p)
				require.NoError(t, err)
				out = append(out, mailboxLetter{to: to[0].Address, text: string(text)})
			}
		}
	}
	return out
}

// signedIn registers, verifies and signs in a client of form.
func (e *cabinetE2E) signedIn(t *testing.T, form url.Values) *browser {
	b := e.browser(t)
	b.get("/cabinet/register")
	require.Equal(t, http.StatusOK, b.post("/cabinet/register", form).status)
	require.Equal(t, http.StatusOK, b.get(e.linkTo(t, form.Get("email"), "verify")).status)
	a := b.post("/cabinet/login", url.Values{"email": {form.Get("email")}, "password": {form.Get("password")}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	return b
}

// paidInstalment pays the instalment by SBP from the signed-in client's cabinet through the fake
// bank and returns the payment's id.
func (e *cabinetE2E) paidInstalment(t *testing.T, b *browser, instalmentID int64) string {
	paid := b.post("/cabinet/instalments/"+itoa(instalmentID)+"/pay", url.Values{"provider": {"sbp"}})
	require.Equal(t, http.StatusSeeOther, paid.status, paid.body)
	require.Regexp(t, `^/pay/`, paid.location)
	p, err := e.app.payments.ByToken(t.Context(), strings.TrimPrefix(paid.location, "/pay/"))
	require.NoError(t, err)
	_, err = e.bank.Pay(p.ID, minorToAmount(p.AmountMinor))
	require.NoError(t, err)
	e.waitStatus(p.ID, billing.StatusSucceeded)
	e.drain()
	return p.ID
}
