package subscriptions

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// refund asks for a manager's refund of the subscription's charge of period seq.
func (tb *testBundle) refund(sub Subscription, seq int, amount string) (Refund, error) {
	return tb.svc.RefundCharge(context.Background(), RefundInput{MemberID: member, SubscriptionID: sub.ID,
		Seq: seq, Amount: decimal.RequireFromString(amount), Reason: "Клиент не пользовался", ManagerID: 1})
}

func (tb *testBundle) chargeByID(t *testing.T, id string) Charge {
	t.Helper()
	var c Charge
	require.NoError(t, tb.db.Where("id = ?", id).Take(&c).Error)
	return c
}

// b24Comments lists the timeline comments queued for the «Подписки» items.
func (tb *testBundle) b24Events(t *testing.T, event string) int {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, tb.db.Where("topic = ? AND dedup_key LIKE ?", TopicB24Sync, "b24:"+event+":%").Find(&rows).Error)
	return len(rows)
}

func TestPartialThenFullRefundOfACardCharge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		id := chargeID(sub.ID, 0)

		r, err := tb.refund(sub, 0, "300.50")
		require.NoError(t, err)
		require.Equal(t, RefundSucceeded, r.Status)
		require.NotEmpty(t, r.ProviderRef)
		c := tb.chargeByID(t, id)
		require.EqualValues(t, 30050, c.RefundedMinor)
		require.Equal(t, ShownPartiallyRefunded, c.Shown())

		_, err = tb.refund(sub, 0, "689.51")
		require.ErrorIs(t, err, ErrRefundExceedsPaid, "990 paid, 300.50 back: 689.50 is left")
		r, err = tb.refund(sub, 0, "689.50")
		require.NoError(t, err)
		require.Equal(t, RefundSucceeded, r.Status)
		c = tb.chargeByID(t, id)
		require.EqualValues(t, 99000, c.RefundedMinor)
		require.Equal(t, ShownRefunded, c.Shown())
		require.Equal(t, 2, tb.shop.Refunds(c.ProviderRef))
		_, err = tb.refund(sub, 0, "0.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)

		var refunded []mail.Letter
		for _, l := range tb.letters(t) {
			if l.Kind == mail.ChargeRefunded {
				refunded = append(refunded, l)
			}
		}
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
		require.Zero(t, tb.count(t, "subscription_refunds"))
	})
}

// Two managers refund the same charge at once, together more than was paid: the charge's row
// lock lets exactly one through and the card sees one refund.
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
				_, errs[i] = tb.refund(sub, 0, "600")
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
		require.Equal(t, 1, ok)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.EqualValues(t, 60000, c.RefundedMinor)
		require.Equal(t, 1, tb.shop.Refunds(c.ProviderRef))
	})
}

// YooKassa refunds but the answer is lost: the refund stays pending with its reservation, the
// check repeats it under the same Idempotence-Key and gets the first answer — one refund.
func TestLostRefundAnswerIsResolvedWithoutASecondRefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		tb.shop.FailNext(1, 500, true)
		r, err := tb.refund(sub, 0, "990")
		require.ErrorIs(t, err, ErrGatewayUnavailable)
		require.Equal(t, RefundPending, r.Status)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.EqualValues(t, 99000, c.RefundedMinor, "reserved while unknown")
		_, err = tb.refund(sub, 0, "0.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid, "the reservation holds")

		done, err := tb.svc.CheckRefunds(context.Background(), tb.clock.Now())
		require.NoError(t, err)
		require.Zero(t, done, "not due before the grace")
		tb.clock.Advance(refundGrace)
		done, err = tb.svc.CheckRefunds(context.Background(), tb.clock.Now())
		require.NoError(t, err)
		require.Equal(t, 1, done)
		rs, err := tb.svc.Refunds(context.Background(), sub.ID)
		require.NoError(t, err)
		require.Len(t, rs, 1)
		require.Equal(t, RefundSucceeded, rs[0].Status)
		require.Equal(t, 1, tb.shop.Refunds(c.ProviderRef))
		require.Equal(t, 1, tb.b24Events(t, "refunded"))
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
		require.NoError(t, err)
		require.Equal(t, RefundFailed, r.Status)
		require.Equal(t, "insufficient_funds", r.LastError)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.Zero(t, c.RefundedMinor)
		require.Equal(t, ChargeSucceeded, c.Shown())
		require.Zero(t, tb.b24Events(t, "refunded"))

		tb.shop.CancelRefunds("")
		r, err = tb.refund(sub, 0, "990")
		require.NoError(t, err)
		require.Equal(t, RefundSucceeded, r.Status)
	})
}

// The manager's request is cancelled (closed tab) just as the refund starts: once reserved, the
// refund still reaches the gateway and is recorded.
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
		require.Equal(t, RefundSucceeded, r.Status)
		require.EqualValues(t, 10000, tb.chargeByID(t, chargeID(sub.ID, 0)).RefundedMinor)
	})
}

// The process dies after the reservation is committed and before the gateway is asked: the
// refund check sends it (once), however often it runs.
func TestCrashBetweenReservationAndGatewayCallIsFinishedByTheCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		r, err := tb.svc.reserveRefund(context.Background(), RefundInput{MemberID: member, SubscriptionID: sub.ID,
			Amount: decimal.NewFromInt(500)})
		require.NoError(t, err)
		c := tb.chargeByID(t, chargeID(sub.ID, 0))
		require.Zero(t, tb.shop.Refunds(c.ProviderRef), "crashed before the call")
		require.EqualValues(t, 50000, c.RefundedMinor)

		tb.clock.Advance(refundGrace + time.Second)
		for range 2 {
			_, err := tb.svc.CheckRefunds(context.Background(), tb.clock.Now())
			require.NoError(t, err)
		}
		rs, err := tb.svc.Refunds(context.Background(), sub.ID)
		require.NoError(t, err)
		require.Equal(t, r.ID, rs[0].ID)
		require.Equal(t, RefundSucceeded, rs[0].Status)
		require.Equal(t, 1, tb.shop.Refunds(c.ProviderRef))
		require.Len(t, tb.letters(t), 2, "receipt and one refund letter")
	})
}

// An SBP charge is refunded through the bank's refund API: the first (pay-and-bind) payment by
// its order, a debit by binding by its own order; a refund the bank is still processing is
// finished by the check, a lost answer is looked up by the refund id.
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
		require.Equal(t, RefundPending, r.Status, "IN_PROGRESS at the bank")
		require.NoError(t, sb.bank.CompleteRefund(r.ID))
		sb.clock.Advance(refundGrace)
		_, err = sb.svc.CheckRefunds(context.Background(), sb.clock.Now())
		require.NoError(t, err)
		require.Equal(t, ShownRefunded, sb.chargeByID(t, chargeID(sub.ID, 0)).Shown())

		sb.bank.AutoCompleteRefunds(true)
		sb.lose.refunds.Store(true)
		r, err = sb.refund(sub, 1, "100")
		require.ErrorIs(t, err, ErrGatewayUnavailable, "the bank refunded, the answer was lost")
		require.Equal(t, RefundPending, r.Status)
		sb.lose.refunds.Store(false)
		sb.clock.Advance(refundGrace)
		_, err = sb.svc.CheckRefunds(context.Background(), sb.clock.Now())
		require.NoError(t, err)
		_, err = sb.refund(sub, 1, "890.01")
		require.ErrorIs(t, err, ErrRefundExceedsPaid)
		r, err = sb.refund(sub, 1, "890")
		require.NoError(t, err)
		require.Equal(t, RefundSucceeded, r.Status)
		rs, err := sb.svc.Refunds(context.Background(), sub.ID)
		require.NoError(t, err)
		require.Len(t, rs, 3)
		for _, r := range rs {
			require.Equal(t, RefundSucceeded, r.Status, r.ID)
		}
		require.Equal(t, ShownRefunded, sb.chargeByID(t, chargeID(sub.ID, 1)).Shown(), "100 + 890: the bank took both, once each")
	})
}
