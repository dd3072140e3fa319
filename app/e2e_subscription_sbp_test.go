package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp/sbpfake"
	"b24pay/clock"
)

// withSBPSubscriptions configures the SBP route against a bank that has SBP subscriptions
// enabled, and switches the subscription route on (B24PAY_SBP_SUBSCRIPTIONS).
func withSBPSubscriptions(t testing.TB) e2eOption {
	return func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string) {
		withSBP(t, func(c *sbpfake.Config) { c.Subscriptions = true })(e, env, clk, publicURL)
		env["B24PAY_SBP_SUBSCRIPTIONS"], env["B24PAY_MERCHANT_NAME"] = "true", "ООО «Ромашка»"
	}
}

// A manager creates an SBP subscription on the deal tab; the client agrees, pays the pay-and-bind
// QR in their bank's app (which binds the account), and a month later the pass debits the binding.
func TestSBPSubscriptionFromTheTabToTheSecondPeriod(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBPSubscriptions(t))
		token, form := sbpSubscriptionForm(t, e)
		var created struct {
			Subscription struct {
				ID   int64  `json:"id"`
				Link string `json:"link"`
			} `json:"subscription"`
		}
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/subscriptions", form, &created))
		link := created.Subscription.Link

		status, location, _ := postConsent(t, link, url.Values{"consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, status)
		require.True(t, strings.HasPrefix(location, "https://qr.nspk.ru/"), location)

		// The client pays in their bank's app; the waiting page polls the payment through /done.
		_, _, page := get(t, link)
		require.Contains(t, page, `data-state="waiting"`)
		path := strings.TrimPrefix(link, e.url)
		require.Contains(t, page, `content="10;url=`+path+`/done"`)
		binding := "sc-" + itoa(created.Subscription.ID) + "-0-a1"
		_, err := e.bank.Pay(binding, decimal.NewFromInt(990))
		require.NoError(t, err)
		status, _, _ = get(t, link+"/done")
		require.Equal(t, http.StatusOK, status)
		_, _, page = get(t, link)
		require.Contains(t, page, `data-state="active"`)
		require.Contains(t, page, `data-test="paid-with">СБП<`, "an SBP subscription is not paid by card")
		require.NotContains(t, page, "Карта")
		e.bank.WaitCallbacks() // the bank's callback for our order is answered 200 and kept for review
		for _, d := range e.bank.Deliveries() {
			require.Equal(t, http.StatusOK, d.Status)
		}

		e.clock.Set(time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC))
		rep, err := e.app.recur.subs.RunDue(t.Context(), e.clock.Now())
		require.NoError(t, err)
		require.EqualValues(t, 1, rep.Claimed)
		require.Equal(t, 1, e.bank.Charges(binding))
		var paid int
		require.NoError(t, e.db.Table("subscriptions").Select("paid_count").Scan(&paid).Error)
		require.Equal(t, 2, paid)
	})
}

// Without B24PAY_SBP_SUBSCRIPTIONS the route is refused next to the route field.
func TestSBPSubscriptionRefusedUnlessSwitchedOn(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite", withSBP(t))
	token, form := sbpSubscriptionForm(t, e)
	var refusal struct {
		Fields []fieldError `json:"fields"`
	}
	require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, "/subscriptions", form, &refusal))
	require.Equal(t, "route", refusal.Fields[0].Field)
	require.Contains(t, refusal.Fields[0].Message, "СБП")
}

// sbpSubscriptionForm installs the app and opens the deal's tab; the form asks for the SBP route.
func sbpSubscriptionForm(t *testing.T, e *e2e) (string, map[string]any) {
	t.Helper()
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	form := newSubscriptionForm()
	form["route"] = "sbp"
	return e.openTab(e.dealID, 2), form
}
