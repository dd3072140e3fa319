package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/finance"
	"b24pay/portal"
)

// companyPaymentsWorld installs the app with the SBP route and adds a rent contract.
func companyPaymentsWorld(t *testing.T, dialect string, opts ...e2eOption) (e *e2e, cp portal.CompanyPayments, rent, company int) {
	t.Helper()
	e = newE2E(t, dialect, append([]e2eOption{withSBP(t)}, opts...)...)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	cp = e.provisioned().CompanyPayments
	rent, company = rentItem(t, e, cp)
	return e, cp, rent, company
}

// rentItem adds a monthly rent contract (no debt tracked) of the deal's company, due on 25 November,
// with the manager (user 2) responsible.
func rentItem(t *testing.T, e *e2e, cp portal.CompanyPayments) (item, company int) {
	t.Helper()
	deal, ok := e.portal.Item(2, e.dealID)
	require.True(t, ok)
	company = toInt(deal["companyId"])
	raw := e.rest("crm.item.add", map[string]any{"entityTypeId": cp.EntityTypeID, "fields": map[string]any{
		"title": "Аренда склада", "stageId": cp.Stages[portal.CompanyPaymentPlanned], "companyId": company, "assignedById": 2,
		cp.FieldName(portal.CPContractNumber): "А-3/2026", cp.FieldName(portal.CPAmount): "30000.00",
		cp.FieldName(portal.CPPayDate): "2026-11-25", cp.FieldName(portal.CPRegular): "Y",
		cp.FieldName(portal.CPEvery): 1, cp.FieldName(portal.CPUnit): "месяц",
	}})
	var added struct {
		Item struct {
			ID int `json:"id"`
		} `json:"item"`
	}
	require.NoError(t, json.Unmarshal(raw, &added))
	return added.Item.ID, company
}

// post sends a finance form without following the redirect.
func (e *e2e) post(path, token string, form url.Values) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.url+path+"?"+url.Values{"token": {token}}.Encode(), strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func markPaid(e *e2e, token string, item int, date string) (int, string) {
	return e.post("/b24/finance/company-payments/paid", token, url.Values{"item": {itoa(int64(item))}, "date": {date}})
}

func bookings(t *testing.T, e *e2e, item int) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Model(&finance.Booking{}).Where("item_id = ?", item).Count(&n).Error)
	return n
}

// The payment calendar lists every contract (never paid ones too, cancelled ones not); the responsible
// user is reminded before the payment; «Отметить оплаченным» books the shown payment once — also on
// a double click racing itself — moves the item to its next date in Bitrix24 and writes the
// counterparty's totals to its company card; a stale date is refused with what to do.
func TestCompanyPaymentCalendarMarkPaidAndCompanyTotals(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, cp, rent, company := companyPaymentsWorld(t, dialect)
		leasingItem(t, e, cp)
		cancelled := e.rest("crm.item.add", map[string]any{"entityTypeId": cp.EntityTypeID, "fields": map[string]any{
			"title": "Отменённый", "stageId": cp.Stages[portal.CompanyPaymentCancelled], cp.FieldName(portal.CPContractNumber): "X-0",
			cp.FieldName(portal.CPAmount): "1.00", cp.FieldName(portal.CPPayDate): "2026-11-23"}})
		require.NotEmpty(t, cancelled)
		e.drain()

		admin := e.financeToken()
		status, page := e.get("/b24/finance", url.Values{"token": {admin}, "view": {"outgoing"}})
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "А-3/2026")
		require.Contains(t, page, "Л-17/2026", "a contract never paid is in the calendar")
		require.NotContains(t, page, "X-0", "a cancelled one is not")
		require.Equal(t, "1\u00a0500\u00a0000,00\u00a0₽", figure(t, page, "out-remaining"))
		require.Equal(t, "30\u00a0000,00\u00a0₽", figure(t, page, "out-due-month"), "the rent of 25 November, not the leasing of January")
		require.Contains(t, page, `data-test="mark-paid-`+itoa(int64(rent))+`"`)

		ctx := context.Background()
		require.NoError(t, e.app.finance.RunReminders(ctx, e.clock.Now()))
		e.drain()
		notes := e.portal.Notifications(2)
		require.Len(t, notes, 1, "the responsible user is reminded of the payment on 25 November")
		require.Contains(t, notes[0].Message, "А-3/2026")

		status, _ = markPaid(e, admin, rent, "2026-11-25")
		require.Equal(t, http.StatusSeeOther, status)
		e.drain()
		require.Equal(t, "2026-12-25", field(t, e, cp, rent, cp.FieldName(portal.CPPayDate)))
		require.Equal(t, cp.Stages[portal.CompanyPaymentPlanned], field(t, e, cp, rent, "stageId"))
		require.Equal(t, "1", field(t, e, cp, rent, cp.FieldName(portal.CPPayCount)))

		var wg sync.WaitGroup // a double click: two requests for the same payment at once
		codes := make([]int, 2)
		for i := range codes {
			wg.Go(func() { codes[i], _ = markPaid(e, admin, rent, "2026-12-25") })
		}
		wg.Wait()
		require.Equal(t, []int{http.StatusSeeOther, http.StatusSeeOther}, codes)
		e.drain()
		require.EqualValues(t, 2, bookings(t, e, rent), "one booking per payment date")
		require.Equal(t, "2027-01-25", field(t, e, cp, rent, cp.FieldName(portal.CPPayDate)))
		_, page = e.get("/b24/finance", url.Values{"token": {admin}, "view": {"outgoing"}})
		require.Equal(t, "0,00\u00a0₽", figure(t, page, "out-due-month"), "nothing left to pay in November")
		require.Equal(t, "30\u00a0000,00\u00a0₽", figure(t, page, "out-paid-month"), "the payment of 25 November; that of 25 December is next month's")

		status, _ = markPaid(e, admin, rent, "2026-11-25") // a stale page: booked already, nothing more
		require.Equal(t, http.StatusSeeOther, status)
		status, page = markPaid(e, admin, rent, "2027-05-25")
		require.Equal(t, http.StatusConflict, status)
		require.Contains(t, page, "Дата платежа в Битрикс24 уже другая")
		status, _ = markPaid(e, admin, rent, "25.01.2027")
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.EqualValues(t, 2, bookings(t, e, rent))

		var card map[string]any // as crm.company.get shows the card
		require.NoError(t, json.Unmarshal(e.rest("crm.company.get", map[string]any{"id": company}), &card))
		require.Equal(t, "60000|RUB", strings.Replace(toText(card[portal.CompanyOutPaidField]), ".00|", "|", 1))
		require.Equal(t, 2, toInt(card[portal.CompanyOutCountField]), "payments to the counterparty")
		e.requireNoDeadOutbox()
	})
}

func toText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var rolesAction = regexp.MustCompile(`action="/b24/finance/roles\?token=([^"]+)"`)

// The admin grants the finance role to the manager on the settings page: the manager's app page then
// links to «Финансы» and the manager may mark a payment paid; narrowed to their own deals, the manager
// sees and marks only their own contracts whatever the filter says; taking the role away closes the
// pages at once, even for the token already issued.
func TestFinanceRoleGrantedAndTakenAway(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, cp, rent, _ := companyPaymentsWorld(t, dialect)
		leasing := leasingItem(t, e, cp)
		e.drain()
		it, _ := e.portal.Item(cp.EntityTypeID, leasing)
		require.NotEqual(t, 2, toInt(it["assignedById"]), "the leasing contract is not the manager's")

		_, page := e.appPage(2)
		require.NotContains(t, page, "finance-link", "a manager without the role")
		_, page = e.appPage(1)
		m := rolesAction.FindStringSubmatch(page)
		require.NotNil(t, m, "the admin's settings carry the roles form")
		admin, err := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
		require.NoError(t, err)

		status, page := e.post("/b24/finance/roles", admin, url.Values{"users": {"2, Иван"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "«Иван» — не номер")
		require.Contains(t, page, `value="2, Иван"`, "what was typed stays")
		status, page = e.post("/b24/finance/roles", admin, url.Values{"users": {"2"}})
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "Доступ к разделу «Финансы» сохранён")

		_, page = e.appPage(2)
		m = financeLink.FindStringSubmatch(page)
		require.NotNil(t, m, "the manager with the role sees «Финансы»")
		manager, err := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
		require.NoError(t, err)
		status, _ = e.get("/b24/finance", url.Values{"token": {manager}, "view": {"outgoing"}})
		require.Equal(t, http.StatusOK, status)
		status, _ = markPaid(e, manager, rent, "2026-11-25")
		require.Equal(t, http.StatusSeeOther, status)
		var b finance.Booking
		require.NoError(t, e.db.Where("item_id = ?", rent).Take(&b).Error)
		require.EqualValues(t, 2, b.BookedBy, "booked by the manager")
		status, _ = e.post("/b24/finance/roles", manager, url.Values{"users": {"2, 3"}})
		require.Equal(t, http.StatusUnauthorized, status, "only an admin grants the role")

		status, page = e.post("/b24/finance/roles", admin, url.Values{"users": {"2"}, "own_users": {"2"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "ID 2 уже видит все сделки")
		status, _ = e.post("/b24/finance/roles", admin, url.Values{"own_users": {"2"}})
		require.Equal(t, http.StatusOK, status)
		status, page = e.get("/b24/finance", url.Values{"token": {manager}, "view": {"outgoing"}, "manager": {"1"}})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, "А-3/2026", "their own contract")
		require.NotContains(t, page, "Л-17/2026", "not another user's, whatever the filter asks")
		status, page = markPaid(e, manager, leasing, "2027-01-31")
		require.Equal(t, http.StatusForbidden, status)
		require.Contains(t, page, "ведёт другой сотрудник")
		require.Zero(t, bookings(t, e, leasing))

		status, _ = e.post("/b24/finance/roles", admin, url.Values{"users": {""}})
		require.Equal(t, http.StatusOK, status)
		status, _ = e.get("/b24/finance", url.Values{"token": {manager}})
		require.Equal(t, http.StatusUnauthorized, status, "the role taken away closes the pages at once")
		status, _ = markPaid(e, manager, rent, "2026-12-25")
		require.Equal(t, http.StatusUnauthorized, status)
		require.EqualValues(t, 1, bookings(t, e, rent))
	})
}

func withFees(_ *e2e, env map[string]string, _ *clock.Frozen, _ string) {
	env["B24PAY_FEES"], env["B24PAY_BI_TOKEN"] = "sbp=0.7,yookassa=2.8", biToken
}

// The finance views filter by manager, period, route and currency; a filter typed wrong is shown
// with what to fix next to its field and filters nothing; BI tools get a 400 naming the fields.
func TestFinanceFiltersSayWhatToFix(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t), withFees)
		financeWorld(t, e)
		admin := e.financeToken()
		page := func(want int, q url.Values) string {
			t.Helper()
			q.Set("token", admin)
			status, body := e.get("/b24/finance", q)
			require.Equal(t, want, status, body)
			return body
		}
		body := page(http.StatusOK, url.Values{"manager": {"2"}, "from": {"01.12.2026"}, "to": {"2027-12-31"}})
		require.Equal(t, "120\u00a0000,00\u00a0₽", figure(t, body, "receivable"), "the deal's manager")
		require.Equal(t, "0,00\u00a0₽", figure(t, body, "fees-month"))
		body = page(http.StatusOK, url.Values{"manager": {"1"}})
		require.Equal(t, "0,00\u00a0₽", figure(t, body, "receivable"), "another manager's view")
		body = page(http.StatusOK, url.Values{"from": {"01.01.2027"}, "to": {"31.01.2027"}})
		require.Equal(t, "10\u00a0000,00\u00a0₽", figure(t, body, "receivable"), "one instalment in January")
		body = page(http.StatusOK, url.Values{"currency": {"usd"}})
		require.Equal(t, "0,00\u00a0$", figure(t, body, "receivable"), "amounts of one currency only")
		body = page(http.StatusOK, url.Values{"view": {"outgoing"}, "manager": {"7"}})
		require.NotContains(t, body, "Л-17/2026", "the contract of another responsible user")

		body = page(http.StatusUnprocessableEntity, url.Values{"manager": {"Иван"}, "from": {"31.02.2026"}, "route": {"paypal"}, "currency": {"рубли"}})
		require.Contains(t, figure(t, body, "filter-error-manager"), "целое число")
		require.Contains(t, figure(t, body, "filter-error-from"), "ДД.ММ.ГГГГ")
		require.Contains(t, figure(t, body, "filter-error-route"), "из списка")
		require.Contains(t, figure(t, body, "filter-error-currency"), "код ISO")
		require.Contains(t, body, `value="Иван"`, "what was typed stays")
		require.Equal(t, "120\u00a0000,00\u00a0₽", figure(t, body, "receivable"), "a bad filter filters nothing")
		page(http.StatusUnprocessableEntity, url.Values{"from": {"02.12.2026"}, "to": {"01.12.2026"}})

		req, _ := http.NewRequest(http.MethodGet, e.url+"/bi/finance?manager=x", nil)
		req.Header.Set("Authorization", "Bearer "+biToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
}
