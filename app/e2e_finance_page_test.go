package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"b24pay/clock"
	"b24pay/portal"
	"b24pay/store"
)

var financeLink = regexp.MustCompile(`href="/b24/finance\?token=([^"]+)" data-test="finance-link"`)

// get fetches a page of the app.
func (e *e2e) get(path string, q url.Values) (int, string) {
	e.t.Helper()
	resp, err := http.Get(e.url + path + "?" + q.Encode())
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// figure reads a figure of the finance page by its data-test name.
func figure(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-test="` + name + `">([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, name)
	return m[1]
}

// financeWorld installs the app, gives the deal a 12-month schedule of 120 000 ₽ and books the first
// payment of a leasing contract in «Платежи компании»; it returns the manager's tab token.
func financeWorld(t *testing.T, e *e2e) string {
	t.Helper()
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
	e.drain()
	cp := e.provisioned().CompanyPayments
	id := leasingItem(t, e, cp)
	require.NoError(t, e.portal.UserUpdateItem(cp.EntityTypeID, id, map[string]any{"stageId": cp.Stages[portal.CompanyPaymentPaid]}))
	e.drain()
	return token
}

// financeToken is the admin token the app page's «Финансы» link carries.
func (e *e2e) financeToken() string {
	e.t.Helper()
	token := e.financeLinkToken(1)
	require.NotEmpty(e.t, token, "the admin's app page links to the finance page")
	return token
}

// financeLinkToken is the token of the «Финансы» link on a user's app page, "" when there is none.
func (e *e2e) financeLinkToken(user int) string {
	e.t.Helper()
	_, app := e.appPage(user)
	m := financeLink.FindStringSubmatch(app)
	if m == nil {
		return ""
	}
	token, err := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
	require.NoError(e.t, err)
	return token
}

// The admin opens «Финансы» from the app page: the figures, the drill-down from a debtor to the
// deal's instalments, the outgoing contract and the register, and a CSV export; a manager cannot.
func TestFinancePageForTheAdmin(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		token := financeWorld(t, e)
		admin := e.financeToken()

		status, page := e.get("/b24/finance", url.Values{"token": {admin}})
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, "120\u00a0000,00\u00a0₽", figure(t, page, "receivable"))
		require.Equal(t, "0,00\u00a0₽", figure(t, page, "overdue"))
		require.Contains(t, page, "ООО «Ромашка»")

		client := regexp.MustCompile(`href="(/b24/finance\?[^"]*view=client[^"]*)"`).FindStringSubmatch(page)
		require.NotNil(t, client, "a debtor drills down to its schedules")
		status, page = e.get("/b24/finance", mustQuery(t, client[1]))
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, "/crm/deal/details/"+itoa(int64(e.dealID))+"/", "the deal's Bitrix24 card")
		sched := regexp.MustCompile(`href="(/b24/finance\?[^"]*view=schedule[^"]*)"`).FindStringSubmatch(page)
		require.NotNil(t, sched)
		status, page = e.get("/b24/finance", mustQuery(t, sched[1]))
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, 12, strings.Count(page, "Запланирован"))

		status, page = e.get("/b24/finance", url.Values{"token": {admin}, "view": {"outgoing"}})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, "Л-17/2026")
		require.Equal(t, "1\u00a0458\u00a0333,33\u00a0₽", figure(t, page, "out-remaining"))

		status, csv := e.get("/b24/finance/export", url.Values{"token": {admin}, "table": {"debtors"}, "format": {"csv"}})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, csv, "Клиент;Долг")
		require.Contains(t, csv, "ООО «Ромашка»;120000.00;0.00")

		status, _ = e.get("/b24/finance", url.Values{"token": {token}})
		require.Equal(t, http.StatusUnauthorized, status, "a manager's tab token opens nothing")
	})
}

const biToken = "bi-0123456789abcdef0123456789"

func withBIToken(_ *e2e, env map[string]string, _ *clock.Frozen, _ string) {
	env["B24PAY_BI_TOKEN"] = biToken
}

// BI tools read the figures as JSON with the configured token; the XLSX export carries amounts as numbers.
func TestFinanceBIEndpointAndXLSXExport(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withBIToken)
	financeWorld(t, e)

	bi := func(auth string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/bi/finance", nil)
		req.Header.Set("Authorization", "Bearer "+auth)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, _ := bi("wrong-" + biToken)
	require.Equal(t, http.StatusUnauthorized, status)
	status, out := bi(biToken)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "120000.00", out["receivable"])
	require.Equal(t, "RUB", out["currency"])
	require.Len(t, out["debtors"], 1)

	resp, err := http.Get(e.url + "/b24/finance/export?" + url.Values{"token": {e.financeToken()}, "table": {"debtors"}, "format": {"xlsx"}}.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	f, err := excelize.OpenReader(resp.Body)
	require.NoError(t, err)
	defer f.Close()
	name, err := f.GetCellValue("Sheet1", "B2")
	require.NoError(t, err)
	require.Equal(t, "ООО «Ромашка»", name)
	owed, err := f.GetCellValue("Sheet1", "C2")
	require.NoError(t, err)
	require.Equal(t, "120000", owed, "read back as a number")
	typ, err := f.GetCellType("Sheet1", "C2")
	require.NoError(t, err)
	require.NotEqual(t, excelize.CellTypeSharedString, typ, "an amount is a number, not text")
	require.NotEqual(t, excelize.CellTypeInlineString, typ)
}

func mustQuery(t testing.TB, href string) url.Values {
	t.Helper()
	_, raw, _ := strings.Cut(strings.ReplaceAll(href, "&amp;", "&"), "?")
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return q
}
