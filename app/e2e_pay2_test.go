package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/store"
)

func TestChangedAmountUpdatesTheOpenOrderInsteadOfMakingAnother(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	token, s := e.payable()
	path := "/instalments/" + itoa(s.Instalments[0].ID) + "/pay"
	var first payResponse
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"provider": "invoicebox"}, &first))

	prov := e.provisioned()
	require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(e.spaItems()[1]["id"]),
		map[string]any{prov.FieldName("PAID"): "4000.00"}))
	e.drain()

	var second payResponse
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"provider": "invoicebox"}, &second))
	require.Equal(t, first.Payment.ID, second.Payment.ID)
	require.Equal(t, "6000.00", second.Payment.Amount)
	order, _ := e.ib.Order(first.Payment.ID)
	require.True(t, order.Amount.Equal(decimal.NewFromInt(6000)), "the created order follows the new price")
	require.Equal(t, 1, e.ib.OrdersCreated(first.Payment.ID))
}

func TestOutOfOrderNotificationsSettleOnTheLatestTruth(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	token, s := e.payable()
	e.ib.HoldNotifications()
	var ids []string
	for _, in := range s.Instalments[:2] {
		pay := e.pay(token, in.ID, "invoicebox")
		require.NoError(t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(10000)))
		ids = append(ids, pay.Payment.ID)
	}
	e.ib.Release(true) // the second payment's notification arrives first
	require.Eventually(t, func() bool { return len(e.ib.Deliveries()) >= 2 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, ids[1], e.ib.Deliveries()[0].MerchantOrderID)
	for _, id := range ids {
		e.waitStatus(id, billing.StatusSucceeded)
	}
	// Stale news after the payment: an earlier "created" and a "canceled" change nothing.
	for _, d := range e.ib.Deliveries() {
		for _, stale := range []string{"created", "canceled"} {
			body := []byte(strings.Replace(string(d.Body), `"status":"completed"`, `"status":"`+stale+`"`, 1))
			require.NotEqual(t, string(d.Body), string(body))
			require.Equal(t, "success", e.postNotification(body, e.ib.Sign(body))["status"])
		}
	}
	e.drain()
	for i, id := range ids {
		require.Equal(t, billing.StatusSucceeded, e.payment(id).Status, "a stale notification never undoes a payment")
		require.Equal(t, "10000.00", e.instalmentRow(token, i+1).Paid)
	}
}

func TestExpiredSBPQRIsWithdrawn(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "sbp")
	// Our time limit ends before the bank's own QR expiry.
	require.NoError(t, e.db.Exec("UPDATE payments SET expires_at = ? WHERE id = ?", e.clock.Now().Add(time.Hour), pay.Payment.ID).Error)
	e.clock.Advance(2 * time.Hour)
	require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now()))
	token = e.openTab(e.dealID, 2) // the tab was reopened: its token lives two hours
	p := e.payment(pay.Payment.ID)
	require.Equal(t, billing.StatusExpired, p.Status)
	require.Equal(t, "CANCELLED", e.bank.QRStatus(p.ProviderRef), "the QR can no longer be paid")
	again := e.pay(token, s.Instalments[0].ID, "sbp")
	require.NotEqual(t, pay.Payment.ID, again.Payment.ID, "a new QR after the old one expired")
}

func TestTrustedClientsGetA30DayDeferral(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	e.setTrusted("1")
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
	order, _ := e.ib.Order(pay.Payment.ID)
	require.Equal(t, e.clock.Now().Add(30*24*time.Hour).Unix(), order.Expiration.Unix(), "trusted: 30 days to pay")

	e.setTrusted("0")
	e.drain() // the company update event refreshes our copy
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/instalments/"+itoa(s.Instalments[1].ID)+"/pay",
		map[string]string{"provider": "invoicebox"}, &pay))
	order, _ = e.ib.Order(pay.Payment.ID)
	require.Equal(t, e.clock.Now().Add(72*time.Hour).Unix(), order.Expiration.Unix(), "others: the standard limit")
}

// Item 12: a company card without requisites is invoiced the way Invoicebox allows: as an
// organisation by name, the payer entering the requisites on the payment page.
func TestCompanyWithoutRequisitesIsInvoiced(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			e := newE2E(t, dialect, withInvoicebox(t))
			company, err := e.portal.AddItem(4, map[string]any{"TITLE": "ООО «Без реквизитов»"})
			require.NoError(t, err)
			e.dealID, err = e.portal.AddItem(2, map[string]any{"TITLE": "Поставка", "OPPORTUNITY": "120000.00",
				"CURRENCY_ID": "RUB", "COMPANY_ID": company, "ASSIGNED_BY_ID": 2})
			require.NoError(t, err)
			token, s := e.payable()
			pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
			require.NotEmpty(t, pay.Payment.ProviderURL)
		})
	}
}
