package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"b24pay/billing/invoicebox"
	"b24pay/billing/sbp"
	"b24pay/store"
	"b24pay/store/storetest"
)

// Item 1: the create call's answer is lost while a notification settles the payment. The create's
// bookkeeping must not put the payment back to unknown, or reconciliation books the money twice.
func TestLostCreateAnswerRacingANotificationBooksOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(1_000_000))
		ctx := context.Background()
		for i := range 15 {
			id := int64(100 + i)
			entered, release := make(chan string), make(chan struct{})
			b.prov.onCreate = func(_ context.Context, o Order) (Created, error) {
				entered <- o.PaymentID
				<-release
				return Created{}, ErrUnknownOutcome // the answer is lost
			}
			var wg sync.WaitGroup
			wg.Go(func() {
				_, err := b.svc.Pay(ctx, "m1", "instalment", id, "stub")
				assert.ErrorIs(t, err, ErrOutcomeUnknown)
			})
			payID := <-entered
			wg.Go(func() { // the client pays and the provider notifies while the create is in flight
				b.prov.pay(payID, decimal.NewFromInt(10000))
				assert.Equal(t, OutcomeOK, b.notify(payID, StatusSucceeded, "10000", "k-"+payID))
				close(release)
			})
			wg.Wait()
			require.Equal(t, StatusSucceeded, b.payment(t, payID).Status, "iteration %d", i)
			require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(72*time.Hour)))
			require.EqualValues(t, 1_000_000, b.booked(t, id), "booked once, iteration %d", i)
		}
	})
}

// Item 1 under real contention: many notifications and reconciliations of one payment at once.
func TestConcurrentSettlementsBookOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(500_00))
		ctx := context.Background()
		for i := range 5 {
			id := int64(200 + i)
			p, err := b.svc.Pay(ctx, "m1", "instalment", id, "stub")
			require.NoError(t, err)
			b.prov.pay(p.ID, decimal.NewFromInt(500))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					<-start
					if g%2 == 0 {
						b.notify(p.ID, StatusSucceeded, "500", fmt.Sprintf("k-%s-%d", p.ID, g))
						return
					}
					_ = b.svc.Reconcile(ctx, b.clock.Now().Add(time.Hour))
				})
			}
			close(start)
			wg.Wait()
			require.EqualValues(t, 500_00, b.booked(t, id))
		}
	})
}

// Item 2: money that arrives for a payment we cancelled (its order could not be withdrawn) is
// booked, whether the notification comes or reconciliation finds it; it is not answered "success"
// and dropped.
func TestMoneyForACancelledPaymentIsBooked(t *testing.T) {
	t.Parallel()
	for name, arrive := range map[string]func(b *testBundle, p *Payment) error{
		"Notification": func(b *testBundle, p *Payment) error {
			if out := b.notify(p.ID, StatusSucceeded, "10000", "k1"); out != OutcomeOK {
				return errors.New(string(out))
			}
			return nil
		},
		"Reconciliation": func(b *testBundle, _ *Payment) error {
			return b.svc.Reconcile(context.Background(), b.clock.Now().Add(time.Hour))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				b := setup(t, db, rub(10_000_00))
				p := b.newPayment(t, 1)
				b.prov.onCancel = func(string) error { return errors.New("provider unreachable") }
				require.NoError(t, b.svc.cancel(context.Background(), p, StatusCancelled))
				got := b.payment(t, p.ID)
				require.Equal(t, StatusCancelled, got.Status)
				require.NotNil(t, got.NextCheckAt, "the order could not be withdrawn: it is checked again")

				b.prov.pay(p.ID, decimal.NewFromInt(10000))
				require.NoError(t, arrive(b, p))
				require.Equal(t, StatusSucceeded, b.payment(t, p.ID).Status)
				require.EqualValues(t, 10_000_00, b.booked(t, 1))
			})
		})
	}
}

// Item 2: cancelling our row cancels the provider's order even when we hold no ref yet.
func TestCancelWithoutRefLooksTheOrderUpByOurID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		pb, _ := rub(10_000_00).Payable(ctx, "m1", "instalment", 1)
		p, err := b.svc.insert(ctx, pb, "stub")
		require.NoError(t, err)
		_, _ = b.prov.Create(ctx, Order{PaymentID: p.ID}) // the provider made it; its answer never came back
		require.Empty(t, b.payment(t, p.ID).ProviderRef)
		require.NoError(t, b.svc.cancel(ctx, p, StatusCancelled))
		require.Equal(t, []string{"ref-" + p.ID}, b.prov.cancelled)
		require.Nil(t, b.payment(t, p.ID).NextCheckAt, "withdrawn at the provider: nothing left to check")
	})
}

// Item 5: the manager closes the tab while the create is in flight; the order and its bookkeeping
// are recorded anyway, and the row has a next check.
func TestCreateOutlivesACancelledRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx, cancel := context.WithCancel(context.Background())
		entered, release := make(chan struct{}), make(chan struct{})
		b.prov.onCreate = func(ctx context.Context, o Order) (Created, error) {
			close(entered)
			<-release
			if err := ctx.Err(); err != nil {
				return Created{}, err // an HTTP client gives up with the request
			}
			return Created{Ref: "ref-" + o.PaymentID, PayURL: "https://pay.example/" + o.PaymentID}, nil
		}
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = b.svc.Pay(ctx, "m1", "instalment", 1, "stub") })
		<-entered
		cancel()
		close(release)
		wg.Wait()
		var p Payment
		require.NoError(t, db.Take(&p).Error)
		require.Equal(t, StatusPending, p.Status)
		require.NotEmpty(t, p.ProviderRef)
		require.NotEmpty(t, p.PayURL)
		require.NotNil(t, p.NextCheckAt)
		b.requireAllChecked(t)
	})
}

// Item 5: a crash between our insert and the create leaves a row that reconciliation resolves.
func TestCrashBetweenInsertAndCreateIsResolved(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		pb, _ := rub(10_000_00).Payable(ctx, "m1", "instalment", 1)
		never, err := b.svc.insert(ctx, pb, "stub") // crashed before the create
		require.NoError(t, err)
		pb.ID = 2
		made, err := b.svc.insert(ctx, pb, "stub") // crashed after the create, before its bookkeeping
		require.NoError(t, err)
		_, _ = b.prov.Create(ctx, Order{PaymentID: made.ID})
		b.requireAllChecked(t)

		b.clock.Advance(createGrace)
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now()))
		require.Equal(t, StatusFailed, b.payment(t, never.ID).Status)
		got := b.payment(t, made.ID)
		require.Equal(t, StatusPending, got.Status)
		require.Equal(t, "ref-"+made.ID, got.ProviderRef)
		require.NotEmpty(t, got.PayURL, "pay returns a usable link")
		b.requireAllChecked(t)
	})
}

// Item 6: a refund whose answer was lost is asked again by reconciliation, with the same refund id;
// the provider's second answer decides: accepted, or refused and the reservation released.
func TestLostRefundAnswerIsReconciled(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		second  error
		status  string
		payment string
		booked  int64
	}{
		{"Accepted", nil, RefundSucceeded, StatusPartiallyRefunded, 6_000_00},
		{"Refused", errors.New("refund refused"), RefundFailed, StatusSucceeded, 10_000_00},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				b := setup(t, db, rub(10_000_00))
				ctx := context.Background()
				p := b.paidPayment(t, 1)
				b.prov.onRefund = func(RefundRequest) (string, error) { return "", ErrUnknownOutcome }
				r, err := b.svc.Refund(ctx, p.ID, 4_000_00, "по просьбе клиента")
				require.ErrorIs(t, err, ErrUnknownOutcome)
				require.Equal(t, RefundPending, r.Status)
				require.EqualValues(t, 6_000_00, b.booked(t, 1), "reserved")

				b.prov.onRefund = func(RefundRequest) (string, error) { return "rf", tt.second }
				require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(createGrace)))
				var got Refund
				require.NoError(t, db.Where("id = ?", r.ID).Take(&got).Error)
				require.Equal(t, tt.status, got.Status)
				require.Nil(t, got.NextCheckAt)
				require.Equal(t, []string{r.ID, r.ID}, b.prov.refundIDs, "asked again with our refund id")
				require.Equal(t, tt.payment, b.payment(t, p.ID).Status)
				require.EqualValues(t, tt.booked, b.booked(t, 1), "debited once, or released")
			})
		})
	}
}

// Item 7: outside amounts are range-checked before they become minor units.
func TestOutsideAmountsAreRangeChecked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ amount, currency string }{
		{"184467440737095516.17", "RUB"}, {"-1", "RUB"}, {"0.001", "RUB"}, {"1.5", "JPY"}, {"10000000000000.01", "RUB"},
	} {
		_, err := ToMinor(decimal.RequireFromString(tt.amount), tt.currency)
		require.ErrorIs(t, err, ErrAmountOutOfRange, tt.amount)
	}
	m, err := ToMinor(decimal.RequireFromString("10000"), "JPY")
	require.NoError(t, err)
	require.EqualValues(t, 10000, m, "JPY has no minor units")
	m, err = ToMinor(decimal.RequireFromString("1437.15"), "RUB")
	require.NoError(t, err)
	require.EqualValues(t, 143715, m)
}

// Item 7: a notification with a huge amount is refused, never booked as a wrapped-around figure.
func TestHugeNotifiedAmountIsNotBooked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		p, err := b.svc.Pay(context.Background(), "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		require.Equal(t, OutcomeWrongAmount, b.notify(p.ID, StatusSucceeded, "184467440737095516.17", "k1"))
		require.Zero(t, b.booked(t, 1))
	})
}

// Item 8: a route switched off for new payments keeps taking its notifications and reconciling.
func TestSwitchedOffRouteServesItsLivePayments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		p1, err := b.svc.Pay(ctx, "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		p2, err := b.svc.Pay(ctx, "m1", "instalment", 2, "stub")
		require.NoError(t, err)
		b.svc.SetProviders() // the admin switches the route off
		_, err = b.svc.Pay(ctx, "m1", "instalment", 3, "stub")
		require.ErrorIs(t, err, ErrProviderNotConfigured, "no new payments")
		require.True(t, b.svc.Serves("stub"))
		require.False(t, b.svc.Has("stub"))

		require.Equal(t, OutcomeOK, b.notify(p1.ID, StatusSucceeded, "10000", "k1"))
		b.prov.pay(p2.ID, decimal.NewFromInt(10000))
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(time.Hour)))
		require.EqualValues(t, 10_000_00, b.booked(t, 1))
		require.EqualValues(t, 10_000_00, b.booked(t, 2))
	})
}

// Item 4: a route takes only its currencies; minor units follow the currency.
func TestRoutesTakeOnlyTheirCurrencies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, ledger{currency: "JPY", outstanding: 10000})
		ctx := context.Background()
		_, err := b.svc.Pay(ctx, "m1", "instalment", 1, "stub")
		require.ErrorIs(t, err, ErrCurrencyNotSupported)
		require.ErrorIs(t, b.svc.Unavailable("stub", "JPY"), ErrCurrencyNotSupported)
		require.Empty(t, b.prov.created)

		b.prov.currencies = []string{"JPY"}
		_, err = b.svc.Pay(ctx, "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		require.Equal(t, "10000", b.prov.created[0].Amount.String(), "¥10 000 is 10 000, not 100.00")
		require.Equal(t, "JPY", b.prov.created[0].Currency)
	})
}

// Item 4: a notification in another currency is refused and kept for review.
func TestNotificationInAnotherCurrencyIsKeptForReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		p, err := b.svc.Pay(context.Background(), "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		body := []byte(`{"PaymentID":"` + p.ID + `","Status":"succeeded","Amount":"10000","Currency":"USD","Key":"k1"}`)
		require.Equal(t, OutcomeForeign, b.svc.Receive(context.Background(), "stub", map[string][]string{"X-Ok": {"1"}}, body))
		require.Zero(t, b.booked(t, 1))
		var n Notification
		require.NoError(t, db.Take(&n).Error)
		require.Equal(t, NoticeRejected, n.Status)
		require.Equal(t, string(body), n.Body, "kept whole for review")
	})
}

// Item 4: a correctly signed Invoicebox notification for another shop is refused and kept for review.
func TestInvoiceboxNotificationForAnotherMerchantIsKeptForReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ib, err := NewInvoicebox(invoicebox.Config{BaseURL: "https://api.invoicebox.ru/v3", Token: "t", MerchantID: "our-shop",
			NotificationKey: "nk"}, invoicebox.VATNone)
		require.NoError(t, err)
		b.svc.SetProviders(b.prov, ib)
		p, err := b.svc.Pay(context.Background(), "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		body := []byte(`{"id":"0193a1b2-0000-7000-8000-000000000001","status":"completed","merchantId":"someone-else",` +
			`"merchantOrderId":"` + p.ID + `","amount":10000.00,"currencyId":"RUB"}`)
		out := b.svc.Receive(context.Background(), "invoicebox", http.Header{"X-Signature": {invoicebox.Sign(body, "nk")}}, body)
		require.Equal(t, OutcomeForeign, out)
		require.Zero(t, b.booked(t, 1))
		var n Notification
		require.NoError(t, db.Take(&n).Error)
		require.Equal(t, NoticeRejected, n.Status)
		require.Equal(t, string(OutcomeForeign), n.Result)
		require.Equal(t, string(body), n.Body, "kept whole for review")
	})
}

// Item 4: an SBP QR is never registered in roubles for another currency.
func TestSBPRefusesAForeignCurrency(t *testing.T) {
	t.Parallel()
	qr, err := NewSBP(sbp.Config{BaseURL: "https://sbp.example", SBPMerchantID: "MA0000000552", SecretKey: "k"})
	require.NoError(t, err)
	_, err = qr.Create(context.Background(), Order{PaymentID: "pay_1", Amount: decimal.NewFromInt(100), Currency: "USD"})
	require.ErrorIs(t, err, ErrCurrencyNotSupported)
}

// Item 6: a refund asked while its route is not available stays reserved and pending, and is sent
// by reconciliation once the route is back.
func TestRefundWithTheRouteOffIsSentLater(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		p := b.paidPayment(t, 1)
		b.svc.mu.Lock()
		b.svc.providers, b.svc.retired = map[string]Provider{}, map[string]Provider{} // e.g. a restart without its settings
		b.svc.mu.Unlock()
		r, err := b.svc.Refund(ctx, p.ID, 1_000_00, "возврат")
		require.ErrorIs(t, err, ErrProviderNotConfigured)
		require.Equal(t, RefundPending, r.Status)
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(createGrace)))
		require.Empty(t, b.prov.refundIDs)

		b.svc.SetProviders(b.prov)
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(48*time.Hour)))
		var got Refund
		require.NoError(t, db.Where("id = ?", r.ID).Take(&got).Error)
		require.Equal(t, RefundSucceeded, got.Status)
		require.Equal(t, []string{r.ID}, b.prov.refundIDs)
		require.EqualValues(t, 9_000_00, b.booked(t, 1))
	})
}

// Item 2: the manager switches route while the first route's create is still in flight. The first
// order is withdrawn at its provider (looked up by our id, as we hold no ref yet) before the second
// is made, and the late create answer does not reopen it.
func TestRouteSwitchWhileACreateIsInFlightWithdrawsTheFirstOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		other := newStub("other")
		b.svc.SetProviders(b.prov, other)
		ctx := context.Background()
		for i := range 10 {
			id := int64(300 + i)
			entered, release := make(chan string), make(chan struct{})
			b.prov.onCreate = func(_ context.Context, o Order) (Created, error) {
				entered <- o.PaymentID
				<-release
				return Created{Ref: "ref-" + o.PaymentID, PayURL: "https://pay.example/" + o.PaymentID}, nil
			}
			var wg sync.WaitGroup
			wg.Go(func() { _, _ = b.svc.Pay(ctx, "m1", "instalment", id, "stub") })
			first := <-entered
			var second *Payment
			wg.Go(func() {
				var err error
				second, err = b.svc.Pay(ctx, "m1", "instalment", id, "other")
				assert.NoError(t, err)
				close(release)
			})
			wg.Wait()
			require.Equal(t, "other", second.Provider)
			require.NotEmpty(t, second.PayURL)
			require.Equal(t, StatusCancelled, b.payment(t, first).Status, "iteration %d", i)
			require.Contains(t, b.prov.cancelled, "ref-"+first, "withdrawn at the first provider")
			require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(time.Hour)))
			require.Equal(t, StatusCancelled, b.payment(t, first).Status)
			require.Nil(t, b.payment(t, first).NextCheckAt, "confirmed closed at the provider")
		}
	})
}
