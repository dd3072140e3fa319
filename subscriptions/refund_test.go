package subscriptions

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// refundCheckDue is when billing's reconciliation first asks again about a refund left pending
// (billing's create grace, 10 minutes).
const refundCheckDue = 10*time.Minute + time.Second

// dropRefunds carries requests out and, while armed, drops refund creations before they leave:
// the provider never hears of the refund, as after a crash between the reservation and the call.
type dropRefunds struct {
	next  http.RoundTripper
	armed atomic.Bool
}

func (d *dropRefunds) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.armed.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/refunds") {
		return nil, errors.New("process killed before the request was written")
	}
	return d.next.RoundTrip(r)
}

// refund asks for a manager's refund of the subscription's charge of period seq.
func (tb *testBundle) refund(sub Subscription, seq int, amount string) (*billing.Refund, error) {
	return tb.svc.RefundCharge(context.Background(), RefundInput{MemberID: member, SubscriptionID: sub.ID,
		Seq: seq, Amount: decimal.RequireFromString(amount), Reason: "Клиент не пользовался", ManagerID: 1})
}

func (tb *testBundle) chargeByID(t *testing.T, id string) Charge {
	t.Helper()
	var c Charge
	require.NoError(t, tb.db.Where("id = ?", id).Take(&c).Error)
	return c
}

// b24Events counts the «Подписки» item updates queued for an event.
func (tb *testBundle) b24Events(t *testing.T, event string) int {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, tb.db.Where("topic = ? AND dedup_key LIKE ?", TopicB24Sync, "b24:"+event+":%").Find(&rows).Error)
	return len(rows)
}

// chargePayments lists billing's payments that hold card or SBP charges.
func (tb *testBundle) chargePayments(t *testing.T) []billing.Payment {
	t.Helper()
	var ps []billing.Payment
	require.NoError(t, tb.db.Where("payable_kind = ?", ChargeKind).Order("created_at, id").Find(&ps).Error)
	return ps
}

// refundsOf lists billing's refunds of a payment, oldest first.
func (tb *testBundle) refundsOf(t *testing.T, paymentID string) []billing.Refund {
	t.Helper()
	var rs []billing.Refund
	require.NoError(t, tb.db.Where("payment_id = ?", paymentID).Order("created_at, id").Find(&rs).Error)
	return rs
}

// reconcile runs billing's reconciliation pass at the clock's time.
func (tb *testBundle) reconcile(t *testing.T) {
	t.Helper()
	require.NoError(t, tb.payments.Reconcile(context.Background(), tb.clock.Now()))
}

func (tb *testBundle) refundLetters(t *testing.T) []mail.Letter {
	t.Helper()
	var out []mail.Letter
	for _, l := range tb.letters(t) {
		if l.Kind == mail.ChargeRefunded {
			out = append(out, l)
		}
	}
	return out
}

func TestPartialThenFullRefundOfACardCharge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		id := chargeID(sub.ID, 0)

		r, err := tb.refund(sub, 0, "300.50")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.NotEmpty(t, r.ProviderRef)
		require.EqualValues(t, 1, r.RequestedBy)
		c := tb.chargeByID(t, id)
		require.EqualValues(t, 30050, c.RefundedMinor)
		require.Equal(t, ShownPartiallyRefunded, c.Shown())
		ps := tb.chargePayments(t)
		require.Len(t, ps, 1, "the charge became a billing payment on its first refund")
		require.Equal(t, "yookassa", ps[0].Provider)
		require.Equal(t, c.ProviderRef, ps[0].ProviderRef)
		require.Equal(t, billing.StatusPartiallyRefunded, ps[0].Status)
		require.EqualValues(t, 99000, ps[0].PaidMinor)

		_, err = tb.refund(sub, 0, "689.51")
		require.ErrorIs(t, err, ErrRefundExceedsPaid, "990 paid, 300.50 back: 689.50 is left")
		r, err = tb.refund(sub, 0, "689.50")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		c = tb.chargeByID(t, id)
		require.EqualValues(t, 99000, c.RefundedMinor)
		require.Equal(t, ShownRefunded, c.Shown())
		require.Equal(t, 2, tb.shop.Refunds(c.ProviderRef))
		_, err = tb.refund(sub, 0, "0.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)
		ps = tb.chargePayments(t)
		require.Len(t, ps, 1)
		require.Equal(t, billing.StatusRefunded, ps[0].Status)
		require.Len(t, tb.refundsOf(t, ps[0].ID), 2)

		refunded := tb.refundLetters(t)
		require.Len(t, refunded, 2)
		require.Equal(t, "300,50\u00a0₽", refunded[0].Data.Amount)
		require.Equal(t, "ivan@example.ru", refunded[0].To)
		require.Equal(t, 2, tb.b24Events(t, "refunded"))
		require.Equal(t, StatusActive, tb.sub(t, sub.ID).Status, "a refund does not end the subscription")
	})
}

func TestRefundRefusesBadAmountsAndChargesNotPaid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		for _, amount := range []string{"0", "-1", "1.001"} {
			_, err := tb.refund(sub, 0, amount)
			require.ErrorIs(t, err, ErrInvalidInput, amount)
		}
		_, err := tb.refund(sub, 0, "100000000000000000000000000")
		require.ErrorIs(t, err, ErrRefundExceedsPaid, "far beyond int64 kopecks")
		_, err = tb.refund(sub, 1, "1") // no charge of period 1 yet
		require.ErrorIs(t, err, ErrNotFound)
		unpaid, err := tb.svc.Create(context.Background(), monthly("2027-01-15"))
		require.NoError(t, err)
		_, err = tb.svc.Accept(context.Background(), AcceptInput{Token: unpaid.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
		require.NoError(t, err)
		_, err = tb.refund(unpaid, 0, "1")
		require.ErrorIs(t, err, ErrIllegalTransition, "the first charge waits for the client's payment")
		_, err = tb.svc.RefundCharge(context.Background(), RefundInput{MemberID: "portal-2", SubscriptionID: sub.ID,
			Amount: decimal.NewFromInt(1)})
		require.ErrorIs(t, err, ErrNotFound, "a charge of another portal")
		require.Zero(t, tb.count(t, "refunds"))
		require.Zero(t, tb.count(t, "payments"), "nothing refunded, no payment row")
	})
}

// Four managers refund the same charge at once, together more than was paid: billing's payment
// lock lets three through (900 of 990), the card sees three refunds, and the concurrent first
// refunds made one payment row.
func TestConcurrentRefundsNeverExceedTheCharge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				_, errs[i] = tb.refund(sub, 0, "300")
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.ErrorIs(t, err, ErrRefundExceedsPaid)
		}
		require.Equal(t, 3, ok)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.EqualValues(t, 90000, c.RefundedMinor)
		require.Equal(t, 3, tb.shop.Refunds(c.ProviderRef))
		ps := tb.chargePayments(t)
		require.Len(t, ps, 1)
		require.EqualValues(t, 90000, ps[0].RefundedMinor)
		require.Len(t, tb.refundsOf(t, ps[0].ID), 3)
	})
}

// YooKassa refunds but the answer is lost: the refund stays pending with its reservation, billing's
// reconciliation repeats it under the same Idempotence-Key and gets the first answer — one refund,
// announced once.
func TestLostRefundAnswerIsResolvedWithoutASecondRefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.FailNext(1, 500, true)
		r, err := tb.refund(sub, 0, "990")
		require.ErrorIs(t, err, billing.ErrUnknownOutcome)
		require.Equal(t, billing.RefundPending, r.Status)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.EqualValues(t, 99000, c.RefundedMinor, "reserved while unknown")
		_, err = tb.refund(sub, 0, "0.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid, "the reservation holds")

		tb.reconcile(t)
		require.Equal(t, billing.RefundPending, tb.refundsOf(t, r.PaymentID)[0].Status, "not due before the grace")
		tb.clock.Advance(refundCheckDue)
		tb.reconcile(t)
		tb.reconcile(t)
		rs := tb.refundsOf(t, r.PaymentID)
		require.Len(t, rs, 1)
		require.Equal(t, billing.RefundSucceeded, rs[0].Status)
		require.Equal(t, 1, tb.shop.Refunds(c.ProviderRef))
		require.Equal(t, 1, tb.b24Events(t, "refunded"))
		require.Len(t, tb.refundLetters(t), 1)
	})
}

// YooKassa cancels the refund: the reservation is released and a later refund can take it.
func TestRefusedRefundReleasesItsReservation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.CancelRefunds("insufficient_funds")
		r, err := tb.refund(sub, 0, "990")
		require.Error(t, err)
		require.Equal(t, billing.RefundFailed, r.Status)
		require.Contains(t, r.LastError, "insufficient_funds")
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.Zero(t, c.RefundedMinor)
		require.Equal(t, ChargeSucceeded, c.Shown())
		require.Equal(t, billing.StatusSucceeded, tb.chargePayments(t)[0].Status)
		require.Zero(t, tb.b24Events(t, "refunded"))

		tb.shop.CancelRefunds("")
		r, err = tb.refund(sub, 0, "990")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.Equal(t, ShownRefunded, tb.chargeByID(t, chargeID(sub.ID, 0)).Shown())
	})
}

// The manager's request is cancelled (closed tab) just as the refund starts: the refund still
// reaches the gateway and is recorded.
func TestCancelledRequestStillFinishesTheRefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := tb.svc.RefundCharge(ctx, RefundInput{MemberID: member, SubscriptionID: sub.ID,
			Amount: decimal.NewFromInt(100)})
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.EqualValues(t, 10000, tb.chargeByID(t, chargeID(sub.ID, 0)).RefundedMinor)
	})
}

// The process dies after the reservation is committed and before YooKassa hears of the refund:
// reconciliation sends it (once), however often it runs.
func TestCrashBetweenReservationAndGatewayCallIsFinishedByReconciliation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.drop.armed.Store(true)
		r, err := tb.refund(sub, 0, "500")
		require.ErrorIs(t, err, billing.ErrUnknownOutcome)
		tb.drop.armed.Store(false)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.Zero(t, tb.shop.Refunds(c.ProviderRef), "never reached YooKassa")
		require.EqualValues(t, 50000, c.RefundedMinor)

		tb.clock.Advance(refundCheckDue)
		for range 2 {
			tb.reconcile(t)
		}
		rs := tb.refundsOf(t, r.PaymentID)
		require.Len(t, rs, 1)
		require.Equal(t, r.ID, rs[0].ID)
		require.Equal(t, billing.RefundSucceeded, rs[0].Status)
		require.Equal(t, 1, tb.shop.Refunds(c.ProviderRef))
		require.Len(t, tb.letters(t), 2, "receipt and one refund letter")
	})
}

// An SBP charge is refunded through billing's SBP route with the bank's refund API: the first
// (pay-and-bind) payment by its order, a debit by binding by its own order; a refund the bank is
// still processing is finished by reconciliation, a lost answer is looked up by the refund id.
func TestSBPChargesAreRefundedByTheBank(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		sb.at(t, "2027-02-15")
		sb.run(t)
		require.Equal(t, ChargeSucceeded, sb.chargeByID(t, chargeID(sub.ID, 1)).Status)

		r, err := sb.refund(sub, 0, "990")
		require.NoError(t, err)
		require.Equal(t, billing.RefundPending, r.Status, "IN_PROGRESS at the bank")
		require.NoError(t, sb.bank.CompleteRefund(r.ID), "the bank knows the refund by our refund id")
		sb.clock.Advance(refundCheckDue)
		sb.reconcile(t)
		require.Equal(t, ShownRefunded, sb.chargeByID(t, chargeID(sub.ID, 0)).Shown())
		require.Equal(t, billing.RefundSucceeded, sb.refundsOf(t, r.PaymentID)[0].Status)

		sb.bank.AutoCompleteRefunds(true)
		sb.lose.refunds.Store(true)
		r, err = sb.refund(sub, 1, "100")
		require.ErrorIs(t, err, billing.ErrUnknownOutcome, "the bank refunded, the answer was lost")
		require.Equal(t, billing.RefundPending, r.Status)
		sb.lose.refunds.Store(false)
		sb.clock.Advance(refundCheckDue)
		sb.reconcile(t)
		_, err = sb.refund(sub, 1, "890.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)
		r, err = sb.refund(sub, 1, "890")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		ps := sb.chargePayments(t)
		require.Len(t, ps, 2)
		n := 0
		for _, p := range ps {
			require.Equal(t, "sbp", p.Provider)
			require.Equal(t, billing.StatusRefunded, p.Status)
			for _, r := range sb.refundsOf(t, p.ID) {
				require.Equal(t, billing.RefundSucceeded, r.Status, r.ID)
				n++
			}
		}
		require.Equal(t, 3, n)
		require.Equal(t, ShownRefunded, sb.chargeByID(t, chargeID(sub.ID, 1)).Shown(), "100 + 890: the bank took both, once each")
		require.Equal(t, 3, sb.b24Events(t, "refunded"))
	})
}

// A charge of the invoice route is refunded through billing's Invoicebox route like an
// instalment's invoice: part, then the rest of its paid invoice; the charge shows it and the
// client gets one letter per refund. A charge whose invoice is not paid has nothing to refund.
func TestInvoiceChargeIsRefundedThroughInvoicebox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		id := chargeID(sub.ID, 0)
		_, err := b.refund(sub, 0, "100")
		require.ErrorIs(t, err, ErrIllegalTransition, "the invoice is not paid yet")
		b.payInvoice(t, id)
		paid := b.invoicePayments(t, id)[0]
		require.Equal(t, billing.StatusSucceeded, paid.Status)

		r, err := b.refund(sub, 0, "2200")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.Equal(t, paid.ID, r.PaymentID, "the invoice's own payment is refunded")
		require.Equal(t, ShownPartiallyRefunded, b.chargeByID(t, id).Shown())
		_, err = b.refund(sub, 0, "10000.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)
		r, err = b.refund(sub, 0, "10000")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		c := b.chargeByID(t, id)
		require.EqualValues(t, 1220000, c.RefundedMinor)
		require.Equal(t, ShownRefunded, c.Shown())
		require.True(t, b.ib.RefundedAmount(paid.ProviderRef).Equal(decimal.NewFromInt(12200)), "Invoicebox returned all of it")
		got, err := b.payments.Get(context.Background(), paid.ID)
		require.NoError(t, err)
		require.Equal(t, billing.StatusRefunded, got.Status)
		require.Empty(t, b.chargePayments(t), "an invoice charge has its payment already")
		require.Len(t, b.refundLetters(t), 2)
		require.Equal(t, 2, b.b24Events(t, "refunded"))
	})
}

// The bank declines an SBP refund it had in progress: reconciliation releases the reservation,
// nothing is announced, and the money can be refunded again.
func TestSBPDeclinedRefundReleasesItsReservation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		r, err := sb.refund(sub, 0, "990")
		require.NoError(t, err)
		require.Equal(t, billing.RefundPending, r.Status)
		require.EqualValues(t, 99000, sb.chargeByID(t, chargeID(sub.ID, 0)).RefundedMinor, "reserved while in progress")
		require.NoError(t, sb.bank.DeclineRefund(r.ID))
		sb.clock.Advance(refundCheckDue)
		sb.reconcile(t)
		got := sb.refundsOf(t, r.PaymentID)[0]
		require.Equal(t, billing.RefundFailed, got.Status)
		require.Contains(t, got.LastError, "declined")
		c := sb.chargeByID(t, chargeID(sub.ID, 0))
		require.Zero(t, c.RefundedMinor)
		require.Equal(t, ChargeSucceeded, c.Shown())
		require.Zero(t, sb.b24Events(t, "refunded"))

		sb.bank.AutoCompleteRefunds(true)
		r, err = sb.refund(sub, 0, "990")
		require.NoError(t, err)
		require.Equal(t, billing.RefundSucceeded, r.Status)
		require.Equal(t, 1, sb.b24Events(t, "refunded"))
	})
}
