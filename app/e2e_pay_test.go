package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/instalment"
	"b24pay/store"
)

type payResponse struct {
	Error   string `json:"error"`
	Payment struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Amount      string `json:"amount"`
		ProviderURL string `json:"provider_url"`
		PayURL      string `json:"pay_url"`
	} `json:"payment"`
}

// payable sets up an installed portal with a 12 × 10 000 schedule and returns the tab token and
// the schedule as saved.
func (e *e2e) payable() (string, *instalment.View) {
	e.t.Helper()
	status, _ := e.install()
	require.Equal(e.t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	var s scheduleResponse
	require.Equal(e.t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
	e.drain()
	return token, s.Schedule
}

// pay asks for the payment of an instalment through a route, as the tab's buttons do.
func (e *e2e) pay(token string, instalmentID int64, provider string) payResponse {
	e.t.Helper()
	var out payResponse
	require.Equal(e.t, http.StatusOK, e.api(token, http.MethodPost, "/instalments/"+itoa(instalmentID)+"/pay",
		map[string]string{"provider": provider}, &out))
	return out
}

func (e *e2e) payment(id string) *billing.Payment {
	e.t.Helper()
	p, err := e.app.payments.Get(context.Background(), id)
	require.NoError(e.t, err)
	return p
}

// waitStatus waits for the fake's notification to reach us and be processed.
func (e *e2e) waitStatus(id, status string) {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return e.payment(id).Status == status }, 5*time.Second, 10*time.Millisecond,
		"payment %s never became %s", id, status)
}

func (e *e2e) instalmentRow(token string, seq int) instalment.InstalmentView {
	e.t.Helper()
	var tab tabResponse
	require.Equal(e.t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
	return tab.Schedule.Instalments[seq-1]
}

func TestPayInstalmentByInvoiceboxOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		first := s.Instalments[0]
		e.ib.DuplicateDeliveries(2) // Invoicebox delivers each notification three times

		pay := e.pay(token, first.ID, "invoicebox")
		require.Equal(t, billing.StatusPending, pay.Payment.Status)
		require.Equal(t, "10000.00", pay.Payment.Amount)
		require.NotEmpty(t, pay.Payment.ProviderURL)
		again := e.pay(token, first.ID, "invoicebox")
		require.Equal(t, pay.Payment.ID, again.Payment.ID, "pay again returns the open payment")
		require.Equal(t, 1, e.ib.OrdersCreated(pay.Payment.ID))
		order, ok := e.ib.Order(pay.Payment.ID)
		require.True(t, ok)
		require.True(t, order.Amount.Equal(decimal.NewFromInt(10000)))
		require.Equal(t, "1803.28", order.VatAmount.StringFixed(2), "VAT 22 % included: 10 000 × 22 / 122")

		require.NoError(t, e.ib.Pay(pay.Payment.ID, order.Amount))
		e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
		require.Eventually(t, func() bool { return len(e.ib.Deliveries()) >= 3 }, 5*time.Second, 10*time.Millisecond)
		e.drain()

		row := e.instalmentRow(token, 1)
		require.Equal(t, instalment.StatusPaid, row.Status)
		require.Equal(t, "10000.00", row.Paid, "duplicates applied once")
		require.Equal(t, "110000.00|RUB", e.dealDebt())
		prov := e.provisioned()
		require.Equal(t, prov.Stages["paid"], e.spaItems()[1]["stageId"])
		require.NotEmpty(t, e.portal.TimelineComments("deal", e.dealID))
		require.Contains(t, e.portal.Notifications(2)[0].Message, "Invoicebox")
		require.Empty(t, e.letters(), "the deal's company has no e-mail: no receipt")

		require.Equal(t, http.StatusConflict, e.api(token, http.MethodPost, "/instalments/"+itoa(first.ID)+"/pay",
			map[string]string{"provider": "invoicebox"}, nil), "a paid instalment is not paid twice")
		require.Equal(t, http.StatusNotFound, e.api(token, http.MethodPost, "/instalments/"+itoa(first.ID)+"/pay",
			map[string]string{"provider": "sbp"}, nil), "an unconfigured route answers 404")
		e.requireNoDeadOutbox()
	})
}

// postNotification sends a raw notification the way Invoicebox does.
func (e *e2e) postNotification(body []byte, signature string) map[string]any {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/webhooks/invoicebox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", signature)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	require.Equal(e.t, http.StatusOK, resp.StatusCode, "Invoicebox expects 200 in every case")
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	require.NoError(e.t, json.Unmarshal(raw, &out), string(raw))
	return out
}

// paidShort pays 9 000 on the first instalment's 10 000 Invoicebox order and returns the tab token,
// the payment and the fake's notification delivery.
func (e *e2e) paidShort() (string, payResponse, invoiceboxfake.Delivery) {
	e.t.Helper()
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
	e.ib.HoldNotifications()
	require.NoError(e.t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(9000)))
	e.ib.Release(false)
	require.Eventually(e.t, func() bool { return len(e.ib.Deliveries()) > 0 }, 5*time.Second, 10*time.Millisecond)
	return token, pay, e.ib.Deliveries()[0]
}

func TestInvoiceboxNotificationsThatMustChangeNothing(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	// Wrong amount: the fake reports 9 000 paid for a 10 000 order. It is booked as what it is,
	// a partial payment, and answered success so it is not delivered again for a day.
	token, pay, d := e.paidShort()
	require.True(t, d.Accepted, d.AnswerCode)
	require.Equal(t, billing.StatusSucceeded, e.payment(pay.Payment.ID).Status)
	require.Equal(t, "9000.00", e.instalmentRow(token, 1).Paid)
	// Reconciliation asks Invoicebox, whose order says 10 000: nothing more is booked.
	require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now().Add(48*time.Hour)))
	e.drain()
	require.Equal(t, "9000.00", e.instalmentRow(token, 1).Paid)

	// A forged signature over a "paid in full" body.
	body := []byte(strings.Replace(string(d.Body), `9000`, `10000`, 1))
	out := e.postNotification(body, strings.Repeat("ab", 20))
	require.Equal(t, "signature_error", out["code"])
	_, _, metrics := get(t, e.url+"/metrics")
	require.Contains(t, metrics, "b24pay_notifications_rejected_total 1", "refused notifications are counted")
	// An unknown order, correctly signed.
	unknown := []byte(strings.ReplaceAll(strings.ReplaceAll(string(d.Body), pay.Payment.ID, "pay_unknown"), d.OrderID,
		"00000000-0000-0000-0000-000000000000"))
	out = e.postNotification(unknown, e.ib.Sign(unknown))
	require.Equal(t, "order_not_found", out["code"])
	// Garbage.
	out = e.postNotification([]byte("{not json"), e.ib.Sign([]byte("{not json")))
	require.Equal(t, "error", out["status"])

	require.Equal(t, billing.StatusSucceeded, e.payment(pay.Payment.ID).Status)
	require.Equal(t, "9000.00", e.instalmentRow(token, 1).Paid)
	var stored int64
	require.NoError(t, e.db.Table("payment_notifications").Count(&stored).Error)
	require.EqualValues(t, 4, stored, "every notification is stored raw, refused ones too")
}

// A corrected "completed" for the whole amount after a wrong-amount one is a new event: it gets
// through deduplication and books the difference, once.
func TestInvoiceboxCorrectedNotificationGetsThrough(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			e := newE2E(t, dialect, withInvoicebox(t))
			token, pay, d := e.paidShort()
			corrected := []byte(strings.Replace(string(d.Body), `9000`, `10000`, 1))
			for range 2 { // delivered twice: booked once
				out := e.postNotification(corrected, e.ib.Sign(corrected))
				require.Equal(t, "success", out["status"], out)
			}
			e.drain()
			require.Equal(t, "10000.00", e.instalmentRow(token, 1).Paid)
			require.EqualValues(t, 1000000, e.payment(pay.Payment.ID).PaidMinor)
		})
	}
}

func TestInvoiceboxTestProbeIsAnswered(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	e.payable()
	e.ib.SendProbe()
	require.Eventually(t, func() bool { return len(e.ib.Deliveries()) > 0 }, 5*time.Second, 10*time.Millisecond)
	require.True(t, e.ib.Deliveries()[0].Accepted, "the probe gets {\"status\":\"success\"}")
}

func TestTimeoutOnCreateThenPayAgainMakesOneOrder(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	token, s := e.payable()
	path := "/instalments/" + itoa(s.Instalments[0].ID) + "/pay"
	e.ib.FailNext(1, true) // the order is created, but our answer is a 500: outcome unknown

	var first payResponse
	require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, path, map[string]string{"provider": "invoicebox"}, &first))
	require.Equal(t, "outcome_unknown", first.Error)
	var unknown []billing.Payment
	require.NoError(t, e.db.Where("status = ?", billing.StatusUnknown).Find(&unknown).Error)
	require.Len(t, unknown, 1)

	var again payResponse
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"provider": "invoicebox"}, &again))
	require.Equal(t, unknown[0].ID, again.Payment.ID, "the lost order is found, not made again")
	require.Equal(t, billing.StatusPending, again.Payment.Status)
	require.Equal(t, 1, e.ib.OrdersCreated(unknown[0].ID))
	var n int64
	require.NoError(t, e.db.Table("payments").Count(&n).Error)
	require.EqualValues(t, 1, n)
}

func TestReconciliationSettlesAPaymentWhoseNotificationNeverCame(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		e.ib.HoldNotifications() // we crash between their success and our commit: nothing reaches us
		require.NoError(t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(10000)))

		ctx := context.Background()
		require.NoError(t, e.app.payments.Reconcile(ctx, e.clock.Now()))
		require.Equal(t, billing.StatusPending, e.payment(pay.Payment.ID).Status, "not due for a check yet")
		e.clock.Advance(11 * time.Minute)
		require.NoError(t, e.app.payments.Reconcile(ctx, e.clock.Now()))
		require.Equal(t, billing.StatusSucceeded, e.payment(pay.Payment.ID).Status)
		e.drain()
		require.Equal(t, instalment.StatusPaid, e.instalmentRow(token, 1).Status)

		// The late notification changes nothing.
		e.ib.Release(false)
		require.Eventually(t, func() bool { return len(e.ib.Deliveries()) > 0 }, 5*time.Second, 10*time.Millisecond)
		require.True(t, e.ib.Deliveries()[0].Accepted)
		require.Equal(t, "10000.00", e.instalmentRow(token, 1).Paid)
	})
}

func TestPartialThenFullPaymentAndRefunds(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		prov := e.provisioned()
		// 4 000 paid by other means, marked in Bitrix24; the order is for the 6 000 left.
		item := e.spaItems()[1]
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(item["id"]),
			map[string]any{prov.FieldName("PAID"): "4000.00"}))
		e.drain()
		require.Equal(t, instalment.StatusPartlyPaid, e.instalmentRow(token, 1).Status)

		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		require.Equal(t, "6000.00", pay.Payment.Amount)
		require.NoError(t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(6000)))
		e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
		e.drain()
		require.Equal(t, instalment.StatusPaid, e.instalmentRow(token, 1).Status)
		require.Equal(t, "110000.00|RUB", e.dealDebt())

		ctx := context.Background()
		_, err := e.app.payments.Refund(ctx, pay.Payment.ID, 600001, "ошибка")
		require.ErrorIs(t, err, billing.ErrRefundExceedsPaid)
		_, err = e.app.payments.Refund(ctx, pay.Payment.ID, 200000, "частичный возврат")
		require.NoError(t, err)
		require.Equal(t, billing.StatusPartiallyRefunded, e.payment(pay.Payment.ID).Status)
		e.drain()
		row := e.instalmentRow(token, 1)
		require.Equal(t, "8000.00", row.Paid)
		require.Equal(t, instalment.StatusPartlyPaid, row.Status)
		require.Equal(t, "112000.00|RUB", e.dealDebt())
		_, err = e.app.payments.Refund(ctx, pay.Payment.ID, 400001, "слишком много")
		require.ErrorIs(t, err, billing.ErrRefundExceedsPaid, "never more than was paid")
		_, err = e.app.payments.Refund(ctx, pay.Payment.ID, 400000, "остаток")
		require.NoError(t, err)
		require.Equal(t, billing.StatusRefunded, e.payment(pay.Payment.ID).Status)
		require.True(t, e.ib.RefundedAmount(e.payment(pay.Payment.ID).ProviderRef).Equal(decimal.NewFromInt(6000)))
		e.requireNoDeadOutbox()
	})
}

// paidInFull pays the first instalment's 10 000 Invoicebox order in full and returns the tab token
// and the payment, once the payment is booked.
func (e *e2e) paidInFull() (string, payResponse) {
	e.t.Helper()
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
	require.NoError(e.t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(10000)))
	e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
	e.drain()
	return token, pay
}

func TestManagerRefundsFromTheTab(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	token, pay := e.paidInFull()

	var tab struct {
		Payments []struct {
			ID, Status, Paid, Refunded string
			Seq                        int
		} `json:"payments"`
	}
	require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
	require.Len(t, tab.Payments, 1)
	require.Equal(t, 1, tab.Payments[0].Seq)
	require.Equal(t, "10000.00", tab.Payments[0].Paid)

	var refused struct{ Error string }
	path := "/payments/" + pay.Payment.ID + "/refund"
	require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path, map[string]string{"amount": "10000.01"}, &refused))
	require.Equal(t, "refund_exceeds_paid", refused.Error)
	require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path, map[string]string{"amount": "0"}, nil))
	// An amount that wraps around int64 in kopecks (it once became 1 kopeck) is refused.
	require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path,
		map[string]string{"amount": "184467440737095516.17"}, nil))
	require.True(t, e.ib.RefundedAmount(e.payment(pay.Payment.ID).ProviderRef).IsZero(), "nothing reached Invoicebox")
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"amount": "2500.50"}, &tab))
	require.Equal(t, "2500.50", tab.Payments[0].Refunded)
	require.Equal(t, billing.StatusPartiallyRefunded, tab.Payments[0].Status)
	e.drain()
	require.Equal(t, "7499.50", e.instalmentRow(token, 1).Paid)
	require.Equal(t, "112500.50|RUB", e.dealDebt())

	// A payment of another deal is not reachable from this tab.
	other, err := e.portal.AddItem(2, map[string]any{"TITLE": "Другая", "OPPORTUNITY": "1000", "CURRENCY_ID": "RUB"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, e.api(e.openTab(other, 2), http.MethodPost, path, map[string]string{"amount": "1"}, nil))
}
