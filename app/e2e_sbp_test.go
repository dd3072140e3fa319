package app

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/instalment"
	"b24pay/store"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestPayInstalmentBySBPQROnThePrintablePage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		token, s := e.payable()
		var tab struct{ Providers []string }
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Equal(t, []string{"sbp"}, tab.Providers, "only configured routes are offered")

		second := s.Instalments[1]
		pay := e.pay(token, second.ID, "sbp")
		require.Contains(t, pay.Payment.ProviderURL, "qr.nspk.ru")
		require.Equal(t, 1, e.bank.Registrations(pay.Payment.ID))

		status, _, page := get(t, e.url+pay.Payment.PayURL)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, `data-state="pay"`)
		require.Contains(t, page, "10\u00a0000,00")
		require.Contains(t, page, "Платёж №2 по графику")
		status, ctype, png := get(t, e.url+pay.Payment.PayURL+"/qr.png")
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "image/png", ctype)
		require.Equal(t, "\x89PNG", png[:4])
		status, _, _ = get(t, e.url+"/pay/not-a-token")
		require.Equal(t, http.StatusNotFound, status)

		_, err := e.bank.Pay(pay.Payment.ID, decimal.NewFromInt(10000))
		require.NoError(t, err)
		e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
		e.drain()
		require.Equal(t, instalment.StatusPaid, e.instalmentRow(token, 2).Status)
		require.Equal(t, instalment.StatusPlanned, e.instalmentRow(token, 1).Status, "the payment went to its instalment")
		_, _, page = get(t, e.url+pay.Payment.PayURL)
		require.Contains(t, page, `data-state="paid"`)
		status, _, _ = get(t, e.url+pay.Payment.PayURL+"/qr.png")
		require.Equal(t, http.StatusNotFound, status, "no QR for a paid payment")
		e.requireNoDeadOutbox()
	})
}

func TestSBPCallbackWithBadSignatureChangesNothingAndExpiredPageSaysSo(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "sbp")
	body := `{"transactionId":1,"qrId":"x","sbpMerchantId":"MA0000000552","merchantId":123,"amount":10000,` +
		`"currency":"RUB","transactionDate":"2026-11-22T12:00:00+03:00","paymentStatus":"SUCCESS","order":"` + pay.Payment.ID + `"}`
	req, _ := http.NewRequest(http.MethodPost, e.url+"/webhooks/sbp", stringsReader(body))
	req.Header.Set("X-Api-Signature-SHA256", "00")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, billing.StatusPending, e.payment(pay.Payment.ID).Status)

	e.clock.Advance(73 * time.Hour) // past the order's time limit
	_, _, page := get(t, e.url+pay.Payment.PayURL)
	require.Contains(t, page, `data-state="expired"`)
}

func TestSBPRefundThroughTheBank(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "sbp")
	_, err := e.bank.Pay(pay.Payment.ID, decimal.NewFromInt(10000))
	require.NoError(t, err)
	e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
	e.drain()

	path := "/payments/" + pay.Payment.ID + "/refund"
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"amount": "10000.00"}, nil))
	require.Equal(t, billing.StatusRefunded, e.payment(pay.Payment.ID).Status)
	var refunds []billing.Refund
	require.NoError(t, e.db.Where("payment_id = ?", pay.Payment.ID).Find(&refunds).Error)
	require.Len(t, refunds, 1)
	require.Equal(t, "pending", refunds[0].Status, "IN_PROGRESS at the bank: reserved, not yet done")
	require.NoError(t, e.bank.CompleteRefund(refunds[0].ID), "the bank knows the refund by our refund id")
	require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now().Add(time.Hour)))
	require.NoError(t, e.db.Where("payment_id = ?", pay.Payment.ID).Find(&refunds).Error)
	require.Equal(t, "succeeded", refunds[0].Status, "COMPLETED at the bank, read back by our refund id")
	require.Equal(t, http.StatusConflict, e.api(token, http.MethodPost, path, map[string]string{"amount": "1.00"}, nil),
		"nothing left to refund")
	e.drain()
	require.Equal(t, "0.00", e.instalmentRow(token, 1).Paid)
	require.Equal(t, "120000.00|RUB", e.dealDebt())
}

// Item 9: deleting a schedule withdraws its open QR codes at the bank first; paid payments and
// their refunds stay reachable in the tab afterwards.
func TestDeletingAScheduleWithdrawsItsPayLinks(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		token, s := e.payable()
		paid := e.pay(token, s.Instalments[0].ID, "sbp")
		_, err := e.bank.Pay(paid.Payment.ID, decimal.NewFromInt(10000))
		require.NoError(t, err)
		e.waitStatus(paid.Payment.ID, billing.StatusSucceeded)
		open := e.pay(token, s.Instalments[1].ID, "sbp")
		e.drain()

		require.Equal(t, http.StatusOK, e.api(token, http.MethodDelete, "/schedule", nil, nil))
		_, err = e.bank.Pay(open.Payment.ID, decimal.NewFromInt(10000))
		require.Error(t, err, "the QR was withdrawn at the bank before the instalment was cancelled")
		require.Equal(t, billing.StatusCancelled, e.payment(open.Payment.ID).Status)

		var tab struct {
			Payments []struct{ ID, Status string }
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		ids := []string{}
		for _, p := range tab.Payments {
			ids = append(ids, p.ID)
		}
		require.Contains(t, ids, paid.Payment.ID, "the paid payment is still listed after the delete")
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/payments/"+paid.Payment.ID+"/refund",
			map[string]string{"amount": "100.00"}, nil), "and still refundable")
	})
}

// Item 4: SBP moves roubles only. For a USD schedule it is not offered, the tab says why, and a
// direct request is refused without registering a rouble QR.
func TestSBPIsNotOfferedForAForeignCurrency(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2)
		plan := twelveMonths()
		plan["currency"] = "USD"
		var s scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", plan, &s))
		var tab struct {
			Providers []string          `json:"providers"`
			Withheld  map[string]string `json:"providers_withheld"`
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Empty(t, tab.Providers)
		require.Equal(t, "СБП не принимает USD", tab.Withheld["sbp"])

		var refused struct{ Error string }
		status = e.api(token, http.MethodPost, "/instalments/"+itoa(s.Schedule.Instalments[0].ID)+"/pay",
			map[string]string{"provider": "sbp"}, &refused)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Equal(t, "currency_not_supported", refused.Error)
		require.Zero(t, e.bank.Requests(), "no QR registered")
	})
}

// Item 9: a new amount for an instalment withdraws its open QR (made for the old amount) first.
// Issue 20: a QR cannot change its amount at the bank, so an edit cancels it (confirmed) and
// registers a new one for the new amount under the same pay page link.
func TestEditingAnAmountMovesTheOpenQRUnderTheSameLink(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		token, id, open := e.editWithOpenOrder("sbp")
		e.drain()
		_, err := e.bank.Pay(open.Payment.ID, decimal.NewFromInt(10000))
		require.Error(t, err, "the QR for the old amount was withdrawn at the bank")
		require.Equal(t, billing.StatusCancelled, e.payment(open.Payment.ID).Status)
		live := e.livePayments(id)
		require.Len(t, live, 1, "exactly one live QR")
		require.Equal(t, int64(12000_00), live[0].AmountMinor)
		require.Equal(t, "/pay/"+live[0].PayToken, open.Payment.PayURL, "the client's link stays the same")
		_, _, page := get(t, e.url+open.Payment.PayURL)
		require.Contains(t, page, "12\u00a0000,00")
		again := e.pay(token, id, "sbp")
		require.Equal(t, live[0].ID, again.Payment.ID)
		require.Equal(t, "12000.00", again.Payment.Amount)
	})
}
