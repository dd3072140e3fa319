package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/invoicebox"
	"b24pay/billing/sbp"
)

// Issue 20: payment time limits from one minute to the 30-day deferral.

// setTrusted marks the deal's company trusted ("1") or not ("0") in Bitrix24.
func (e *e2e) setTrusted(flag string) {
	e.t.Helper()
	deal, _ := e.portal.Item(2, e.dealID)
	require.NoError(e.t, e.portal.UserUpdateItem(4, toInt(deal["companyId"]), map[string]any{"UF_CRM_COMPANY_B24PAY_TRUSTED": flag}))
}

// providerExpiry is when the provider's own order stops being payable.
func (e *e2e) providerExpiry(route, paymentID string) time.Time {
	e.t.Helper()
	if route == "sbp" {
		return *e.payment(paymentID).ExpiresAt // the bank has no lookup of the date; ours is what we sent
	}
	o, ok := e.ib.Order(paymentID)
	require.True(e.t, ok)
	return o.Expiration
}

func TestOneMinuteLimitExpiresAndIsNeverRenewed(t *testing.T) {
	t.Parallel()
	for _, route := range []struct{ name, variable string }{
		{"invoicebox", "B24PAY_INVOICEBOX_TIME_LIMIT"}, {"sbp", "B24PAY_SBP_QR_TTL"},
	} {
		t.Run(route.name, func(t *testing.T) {
			t.Parallel()
			eachDialect(t, func(t *testing.T, dialect string) {
				opt := withInvoicebox(t)
				if route.name == "sbp" {
					opt = withSBP(t)
				}
				e := newE2E(t, dialect, opt, withEnv(route.variable, "1m"))
				token, s := e.payable()
				pay := e.pay(token, s.Instalments[0].ID, route.name)
				require.Equal(t, e.clock.Now().Add(time.Minute).Unix(), e.providerExpiry(route.name, pay.Payment.ID).Unix())
				_, _, page := get(t, e.url+pay.Payment.PayURL)
				require.Contains(t, page, "Оплатить до 22.11.2026 12:01 MSK", "the deadline in the portal's zone")

				e.clock.Advance(2 * time.Minute)
				_, _, page = get(t, e.url+pay.Payment.PayURL)
				require.Contains(t, page, `data-state="expired"`)
				require.Contains(t, page, "Срок оплаты счёта истёк 22.11.2026 12:01 MSK")
				require.NotContains(t, page, `data-test="link"`, "nothing left to pay")
				require.NotContains(t, page, `data-test="qr"`)

				for range 2 { // reconciliation marks it expired, and never makes a new one
					require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now()))
					e.drain()
					e.clock.Advance(time.Hour)
				}
				require.Equal(t, billing.StatusExpired, e.payment(pay.Payment.ID).Status)
				require.Empty(t, e.livePayments(s.Instalments[0].ID))
				var rows int64
				require.NoError(t, e.db.Model(&billing.Payment{}).Where("payable_id = ?", s.Instalments[0].ID).Count(&rows).Error)
				require.Equal(t, int64(1), rows, "no order re-created on its own")
				if route.name == "invoicebox" {
					o, _ := e.ib.Order(pay.Payment.ID)
					require.Equal(t, "expired", o.Status)
					require.Equal(t, 1, e.ib.OrdersCreated(pay.Payment.ID))
				} else {
					require.Equal(t, string(sbp.QRExpired), e.bank.QRStatus(e.payment(pay.Payment.ID).ProviderRef))
				}
			})
		})
	}
}

// A trusted client keeps the 30-day deferral whatever the default limit is.
func TestTrustedClientKeepsTheDeferralOverAShortDefault(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t), withEnv("B24PAY_INVOICEBOX_TIME_LIMIT", "15m"))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		e.setTrusted("1")
		token, s := e.payable()
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		require.Equal(t, e.clock.Now().Add(invoicebox.MaxTrustedDeferral).Unix(), e.providerExpiry("invoicebox", pay.Payment.ID).Unix())
		e.clock.Advance(29 * 24 * time.Hour)
		require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now()))
		require.Equal(t, billing.StatusPending, e.payment(pay.Payment.ID).Status, "still payable on day 29")
	})
}

// The tab chooses the limit of one invoice, and shows which limit applies and why.
func TestTabChoosesTheLimitOfOneInvoice(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t), withSBP(t))
		token, s := e.payable()
		var tab struct {
			TimeLimits struct {
				Trusted bool
				Routes  map[string]struct{ Limit, Text, Why, Reason string }
			} `json:"time_limits"`
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.False(t, tab.TimeLimits.Trusted)
		require.Equal(t, "3 дн.", tab.TimeLimits.Routes["invoicebox"].Text)
		require.Equal(t, billing.LimitDefault, tab.TimeLimits.Routes["sbp"].Why)

		for _, tc := range []struct {
			route, limit string
			want         time.Duration
		}{{"invoicebox", "15m", 15 * time.Minute}, {"sbp", "1h", time.Hour}} {
			in := s.Instalments[map[string]int{"invoicebox": 0, "sbp": 1}[tc.route]]
			var out payResponse
			require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/instalments/"+itoa(in.ID)+"/pay",
				map[string]string{"provider": tc.route, "time_limit": tc.limit}, &out))
			require.Equal(t, e.clock.Now().Add(tc.want).Unix(), e.providerExpiry(tc.route, out.Payment.ID).Unix(), tc.route)
		}
		for _, bad := range []string{"30s", "721h", "bad", "-5m"} {
			var out struct {
				Fields []fieldError
			}
			require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, "/instalments/"+itoa(s.Instalments[2].ID)+"/pay",
				map[string]string{"provider": "invoicebox", "time_limit": bad}, &out), bad)
			require.Equal(t, "time_limit", out.Fields[0].Field)
		}
		require.Empty(t, e.livePayments(s.Instalments[2].ID), "nothing created for a refused limit")

		e.setTrusted("1")
		e.drain()
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.True(t, tab.TimeLimits.Trusted)
		require.Equal(t, billing.LimitTrusted, tab.TimeLimits.Routes["invoicebox"].Why)
		require.Equal(t, "30 дн.", tab.TimeLimits.Routes["invoicebox"].Text)
		var out payResponse
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/instalments/"+itoa(s.Instalments[2].ID)+"/pay",
			map[string]string{"provider": "invoicebox", "time_limit": "15m"}, &out))
		require.Equal(t, e.clock.Now().Add(invoicebox.MaxTrustedDeferral).Unix(), e.providerExpiry("invoicebox", out.Payment.ID).Unix(),
			"a trusted client keeps the deferral")
	})
}
