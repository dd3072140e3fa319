package app

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// newInvoiceSubscription installs the app with Invoicebox on and has the manager create an
// invoice subscription in the deal's tab: the tab's token and the client's link.
func newInvoiceSubscription(t *testing.T, dialect string) (*e2e, string, string) {
	t.Helper()
	e := newE2E(t, dialect, withInvoicebox(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	form := newSubscriptionForm()
	form["route"] = "invoicebox"
	var created struct {
		Subscription struct {
			Link string `json:"link"`
		} `json:"subscription"`
	}
	token := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/subscriptions", form, &created))
	return e, token, created.Subscription.Link
}

// A manager creates a subscription with an invoice each period for the deal's company; the
// client agrees on the page and lands on the first invoice at Invoicebox; its paid notification
// through the webhook settles the period; a month later the pass issues the next invoice, paid too.
func TestInvoiceSubscriptionFromTheTabToTheSecondPaidInvoice(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, _, link := newInvoiceSubscription(t, dialect)
		_, _, page := get(t, link)
		require.Contains(t, page, "Автоматических списаний нет")

		status, location, _ := postConsent(t, link, nil)
		require.Equal(t, http.StatusUnprocessableEntity, status, "consent is required")
		status, location, _ = postConsent(t, link, map[string][]string{"consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, status)
		require.True(t, strings.HasPrefix(location, "https://pay.invoicebox.ru/order/"), location)

		pay := func() {
			var id string
			require.NoError(t, e.db.Table("payments").Select("id").Where("payable_kind = ? AND status = ?",
				"subscription_invoice", "pending").Scan(&id).Error)
			require.NoError(t, e.ib.Pay(id, decimal.NewFromInt(990)))
		}
		paidCount := func() int {
			var n int
			require.NoError(t, e.db.Table("subscriptions").Select("paid_count").Scan(&n).Error)
			return n
		}
		pay()
		require.Equal(t, 1, paidCount())
		_, _, page = get(t, link)
		require.Contains(t, page, `data-state="active"`)
		require.Contains(t, page, "Следующий счёт")
		require.Contains(t, page, `data-test="paid-with">Счёт<`)

		e.clock.Set(time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC))
		rep, err := e.app.recur.subs.RunDue(t.Context(), e.clock.Now())
		require.NoError(t, err)
		require.EqualValues(t, 1, rep.Claimed)
		pay()
		require.Equal(t, 2, paidCount())
		for _, d := range e.ib.Deliveries() {
			require.True(t, d.Accepted)
		}
	})
}

// The company pays 400 ₽ of its 990 ₽ invoice through the webhook: the manager's tab shows the
// charge paid in part with the remainder, and the subscription is past_due with no period counted
// as paid.
func TestInvoiceSubscriptionPartPaymentShowsTheRemainder(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, token, link := newInvoiceSubscription(t, dialect)
		status, _, _ := postConsent(t, link, map[string][]string{"consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, status)
		var id string
		require.NoError(t, e.db.Table("payments").Select("id").Where("payable_kind = ? AND status = ?",
			"subscription_invoice", "pending").Scan(&id).Error)
		require.NoError(t, e.ib.Pay(id, decimal.NewFromInt(400)))

		var list struct {
			Subscriptions []tabSubscriptionView `json:"subscriptions"`
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/subscriptions", nil, &list))
		require.Len(t, list.Subscriptions, 1)
		sub := list.Subscriptions[0]
		require.Equal(t, "past_due", sub.Status)
		require.Equal(t, "Оплачен частично: 400,00\u00a0₽ из 990,00\u00a0₽, остаток 590,00\u00a0₽", sub.Charges[0].StatusLabel)
		var paidCount int
		require.NoError(t, e.db.Table("subscriptions").Select("paid_count").Scan(&paidCount).Error)
		require.Zero(t, paidCount)
	})
}
