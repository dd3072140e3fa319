package subscriptions

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/sbp"
	"b24pay/billing/sbp/sbpfake"
	"b24pay/store"
	"b24pay/store/storetest"
)

// sbpBundle is the service with the SBP route on, against a fake bank that has SBP
// subscriptions enabled (or not).
type sbpBundle struct {
	*testBundle
	bank *sbpfake.Bank
	lose *loseAnswers
}

func setupSBP(t *testing.T, db *store.DB, day string, enabled bool, edit ...func(*Config)) *sbpBundle {
	t.Helper()
	sb := &sbpBundle{testBundle: setup(t, db, day, edit...), lose: &loseAnswers{next: http.DefaultTransport}}
	sb.bank = sbpfake.New(sbpfake.Config{SBPMerchantID: "MA0000000552", SecretKey: "sbp-secret",
		Now: sb.clock.Now, Subscriptions: enabled})
	srv := httptest.NewServer(sb.bank)
	t.Cleanup(func() { sb.bank.Close(); srv.Close() })
	client, err := sbp.New(sbp.Config{BaseURL: srv.URL, SBPMerchantID: "MA0000000552", SecretKey: "sbp-secret",
		HTTPClient: &http.Client{Transport: sb.lose}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	sb.svc.UseSBP(SBP{Client: client})
	refunds, err := billing.NewSBP(sbp.Config{BaseURL: srv.URL, SBPMerchantID: "MA0000000552", SecretKey: "sbp-secret",
		HTTPClient: &http.Client{Transport: sb.lose}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	sb.payments.ServeRefunds(refunds)
	return sb
}

// loseAnswers carries requests out and, while armed, drops the answers of debits by binding:
// the bank charged, we never heard.
type loseAnswers struct {
	next    http.RoundTripper
	armed   atomic.Bool
	refunds atomic.Bool // drop the answers of refund requests instead
}

func (l *loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	lost := l.armed.Load() && strings.HasSuffix(r.URL.Path, "/orders") || l.refunds.Load() && strings.HasSuffix(r.URL.Path, "/refund")
	if err == nil && lost && r.Method == http.MethodPost {
		resp.Body.Close()
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

func sbpMonthly(start string) CreateInput {
	in := monthly(start)
	in.Route = RouteSBP
	return in
}

// subscribeSBP creates an SBP subscription; the client agrees, pays the pay-and-bind QR and binds
// their account in the bank's app.
func (sb *sbpBundle) subscribeSBP(t *testing.T, in CreateInput) Subscription {
	t.Helper()
	ctx := context.Background()
	sub, err := sb.svc.Create(ctx, in)
	require.NoError(t, err)
	link, err := sb.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, "https://qr.nspk.ru/"), link)
	first := chargeID(sub.ID, 0) + "-a1"
	_, err = sb.bank.Pay(first, major(in.Amount.Shift(2).IntPart(), "RUB"))
	require.NoError(t, err)
	c, err := sb.svc.Refresh(ctx, chargeID(sub.ID, 0))
	require.NoError(t, err)
	require.Equal(t, ChargeSucceeded, c.Status)
	sub = sb.sub(t, sub.ID)
	require.Equal(t, StatusActive, sub.Status)
	require.Equal(t, first, sub.PaymentMethodID, "the binding is the saved method")
	require.Equal(t, "SUBSCRIBED", sb.bank.BindingStatus(first))
	return sub
}

func TestSBPSubscriptionIsDebitedByBindingOncePerPeriod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-31", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-31"))
		require.Equal(t, "2027-02-28", sub.NextChargeOn)

		for _, day := range []string{"2027-02-27", "2027-02-28", "2027-03-01", "2027-03-31"} {
			sb.at(t, day)
			sb.run(t)
			sb.run(t)
		}
		sub = sb.sub(t, sub.ID)
		require.Equal(t, 3, sub.PaidCount)
		require.EqualValues(t, 3*99000, sub.PaidMinor)
		require.Equal(t, "2027-04-30", sub.NextChargeOn)
		require.Equal(t, 2, sb.bank.Charges(sub.PaymentMethodID), "28 Feb and 31 Mar, once each")
		cs := sb.charges(t, sub.ID)
		require.Len(t, cs, 3)
		require.Equal(t, "sub/"+sub.PaymentMethodID+"/"+cs[1].key(), cs[1].ProviderRef)
	})
}

// Without the route switched on, or with the bank not offering SBP subscriptions, nothing is
// made half-way and nothing is charged.
func TestSBPRouteRefusedWhereNotEnabled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", false)
		off, err := NewService(db, sb.clock, slog.New(slog.DiscardHandler), Config{}, sb.svc.card)
		require.NoError(t, err)
		_, err = off.Create(context.Background(), sbpMonthly("2027-01-15"))
		require.ErrorIs(t, err, ErrRouteUnavailable)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "route", fe.Field)
		require.Contains(t, fe.Message, "СБП")
		require.Zero(t, sb.count(t, "subscriptions"))

		in := sbpMonthly("2027-01-15")
		in.Currency = "USD"
		_, err = sb.svc.Create(context.Background(), in)
		require.ErrorIs(t, err, ErrInvalidInput)

		sub, err := sb.svc.Create(context.Background(), sbpMonthly("2027-01-15"))
		require.NoError(t, err)
		_, err = sb.svc.Accept(context.Background(), AcceptInput{Token: sub.PayToken, Agreed: true})
		require.ErrorIs(t, err, ErrConflict, "the bank refuses the pay-and-bind QR")
		require.Equal(t, StatusAwaitingConsent, sb.sub(t, sub.ID).Status)
		require.Equal(t, ChargeDeclined, sb.charges(t, sub.ID)[0].Status)
	})
}

// The payer revokes the binding in their bank's app: the next debit is a hard decline, not retried.
func TestSBPRevokedBindingIsAHardDecline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		require.NoError(t, sb.bank.Unbind(sub.PaymentMethodID))
		for _, day := range []string{"2027-02-15", "2027-02-16", "2027-02-18", "2027-02-20"} {
			sb.at(t, day)
			sb.run(t)
		}
		cs := sb.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, ChargeDeclined, cs[1].Status)
		require.Equal(t, 1, cs[1].Attempt, "a hard decline is not retried")
		require.Equal(t, "sbp_binding_unavailable", cs[1].DeclineReason)
		require.Zero(t, sb.bank.Charges(sub.PaymentMethodID))
		require.Equal(t, StatusSuspended, sb.sub(t, sub.ID).Status)
	})
}

// A soft decline by the bank goes through dunning and is retried under a new order id.
func TestSBPDeclinedDebitIsRetriedByDunning(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		sb.bank.SetChargeOutcome("DECLINED")
		sb.at(t, "2027-02-15")
		sb.run(t)
		require.Equal(t, StatusPastDue, sb.sub(t, sub.ID).Status)
		sb.bank.SetChargeOutcome("")
		sb.at(t, "2027-02-16")
		sb.run(t)
		cs := sb.charges(t, sub.ID)
		require.Equal(t, ChargeSucceeded, cs[1].Status)
		require.Equal(t, 2, cs[1].Attempt)
		require.Equal(t, 2, sb.bank.Charges(sub.PaymentMethodID), "the declined order and its retry")
		require.Equal(t, StatusActive, sb.sub(t, sub.ID).Status)
	})
}

// The bank debits but the answer is lost: the charge is unknown, and the next pass looks the
// order up before anything else, finding the debit instead of making a second one.
func TestSBPLostAnswerIsLookedUpBeforeChargingAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		sb.at(t, "2027-02-15")
		sb.lose.armed.Store(true)
		sb.run(t)
		require.Equal(t, ChargeUnknown, sb.charges(t, sub.ID)[1].Status)
		require.Equal(t, 1, sb.bank.Charges(sub.PaymentMethodID), "the bank did debit")

		sb.clock.Set(sb.clock.Now().Add(sb.svc.cfg.Lease + time.Second)) // the claim's lease runs out
		sb.run(t)                                                        // still losing answers to debits: only a lookup may succeed
		c := sb.charges(t, sub.ID)[1]
		require.Equal(t, ChargeSucceeded, c.Status)
		require.Equal(t, 1, sb.bank.Charges(sub.PaymentMethodID))
		require.Equal(t, 2, sb.sub(t, sub.ID).PaidCount)
	})
}

// Two passes at the same moment (replicas) debit each binding once.
func TestSBPConcurrentPassesDebitOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true, func(c *Config) { c.Batch, c.Workers = 3, 2 })
		subs := make([]Subscription, 8)
		for i := range subs {
			in := sbpMonthly("2027-01-15")
			in.Client.B24ID = int64(200 + i)
			in.Amount = decimal.NewFromInt(int64(100 + i))
			subs[i] = sb.subscribeSBP(t, in)
		}
		sb.at(t, "2027-02-15")
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 2 {
			wg.Go(func() {
				<-start
				rep, err := sb.svc.RunDue(context.Background(), sb.clock.Now())
				require.NoError(t, err)
				require.Zero(t, rep.Errors)
			})
		}
		close(start)
		wg.Wait()
		for _, sub := range subs {
			require.Equal(t, 1, sb.bank.Charges(sub.PaymentMethodID), "subscription %d", sub.ID)
			require.Equal(t, ChargeSucceeded, sb.charges(t, sub.ID)[1].Status)
		}
	})
}
