package sbp_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
	"b24pay/billing/sbp/sbpfake"
)

const (
	testMerchant = "MA0000000552"
	testKey      = "test-secret-key-1"
)

var moscow = time.FixedZone("MSK", 3*60*60)

// testBundle is a fake bank behind httptest, a client for it and a callback receiver.
type testBundle struct {
	bank     *sbpfake.Bank
	server   *httptest.Server
	client   *sbp.Client
	clock    *fakeClock
	receiver *callbackReceiver
	logs     *bytes.Buffer
}

func setup(t *testing.T, edit ...func(*sbp.Config)) *testBundle {
	t.Helper()
	return setupBank(t, func(*sbpfake.Config) {}, edit...)
}

// setupBank is setup with the fake bank's configuration edited too.
func setupBank(t *testing.T, bankEdit func(*sbpfake.Config), edit ...func(*sbp.Config)) *testBundle {
	t.Helper()
	tb := &testBundle{clock: &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
	tb.receiver = newCallbackReceiver(t, testKey)
	bankCfg := sbpfake.Config{SBPMerchantID: testMerchant, SecretKey: testKey, Now: tb.clock.Now,
		RetryDelays: []time.Duration{time.Millisecond, time.Millisecond}, NotificationURL: tb.receiver.server.URL}
	bankEdit(&bankCfg)
	tb.bank = sbpfake.New(bankCfg)
	tb.server = httptest.NewServer(tb.bank)
	t.Cleanup(func() { tb.bank.Close(); tb.server.Close() })
	cfg := sbp.Config{BaseURL: tb.server.URL, SBPMerchantID: testMerchant, SecretKey: testKey,
		Timeout: 5 * time.Second, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: tb.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, e := range edit {
		e(&cfg)
	}
	client, err := sbp.New(cfg)
	require.NoError(t, err)
	tb.client = client
	return tb
}

func (tb *testBundle) register(t *testing.T, order, amount string) sbp.QR {
	t.Helper()
	qr, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{
		OrderID: order, Amount: decimal.RequireFromString(amount), Purpose: "Оплата взноса " + order,
		ExpiresAt: tb.clock.Now().Add(time.Hour)})
	require.NoError(t, err)
	return qr
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// callbackReceiver plays our webhook endpoint: verify, parse, answer 200 (or fail on demand).
type callbackReceiver struct {
	server *httptest.Server
	mu     sync.Mutex
	got    []sbp.Notification
	errs   []error
	fail   int
}

func newCallbackReceiver(t *testing.T, key string) *callbackReceiver {
	cr := &callbackReceiver{}
	cr.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n, err := sbp.ParseVerifiedNotification(body, r.Header, key)
		cr.mu.Lock()
		defer cr.mu.Unlock()
		if err != nil {
			cr.errs = append(cr.errs, err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if cr.fail > 0 {
			cr.fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		cr.got = append(cr.got, n)
	}))
	t.Cleanup(cr.server.Close)
	return cr
}

func (cr *callbackReceiver) notifications() ([]sbp.Notification, []error) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return append([]sbp.Notification(nil), cr.got...), append([]error(nil), cr.errs...)
}

func TestRegisterQR(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qr := tb.register(t, "pay-1001", "1500.50")

	require.NoError(t, sbp.CheckPayload(qr.Payload, qr.ID, decimal.RequireFromString("1500.5")))
	require.Contains(t, qr.ImageURL, "/api/sbp/v1/qr/"+qr.ID+"/image")
	require.Equal(t, 1, tb.bank.Registrations("pay-1001"))

	info, err := tb.client.QRState(context.Background(), qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.QRNew, info.Status)
	require.Equal(t, qr.Payload, info.Payload)
	require.True(t, tb.clock.Now().Add(time.Hour).Equal(info.ExpiresAt))

	p, err := tb.client.PaymentInfo(context.Background(), qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentNoInfo, p.Status)
	require.Equal(t, "pay-1001", p.OrderID)
	require.True(t, decimal.RequireFromString("1500.5").Equal(p.Amount))
	require.Equal(t, "Оплата взноса pay-1001", p.Purpose)
}

func TestRegisterQRInputValidatedBeforeCalling(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name    string
		in      sbp.RegisterQRInput
		wantErr error
	}{
		{"NoOrder", sbp.RegisterQRInput{Amount: decimal.NewFromInt(1)}, sbp.ErrInvalidOrder},
		{"OrderWithSpace", sbp.RegisterQRInput{OrderID: "pay 1", Amount: decimal.NewFromInt(1)}, sbp.ErrInvalidOrder},
		{"OrderWithCyrillic", sbp.RegisterQRInput{OrderID: "счёт-1", Amount: decimal.NewFromInt(1)}, sbp.ErrInvalidOrder},
		{"OrderTooLong", sbp.RegisterQRInput{OrderID: string(bytes.Repeat([]byte("a"), 41)), Amount: decimal.NewFromInt(1)}, sbp.ErrInvalidOrder},
		{"ZeroAmount", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.Zero}, sbp.ErrWrongAmount},
		{"NegativeAmount", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(-5)}, sbp.ErrWrongAmount},
		{"FractionOfKopeck", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.RequireFromString("1.005")}, sbp.ErrWrongAmount},
		{"PurposeTooLong", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1), Purpose: string(bytes.Repeat([]byte("я"), 186))}, sbp.ErrInvalidRequest},
		{"InfoTooLong", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1), AdditionalInfo: string(bytes.Repeat([]byte("x"), 141))}, sbp.ErrInvalidRequest},
		{"ShortAccount", sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1), Account: "4070"}, sbp.ErrInvalidRequest},
	}
	before := tb.bank.Requests()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tb.client.RegisterQR(context.Background(), tt.in)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
	require.Equal(t, before, tb.bank.Requests(), "nothing invalid reaches the bank")
}

func TestRegisterQRPurposeOf185CyrillicLettersAccepted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	_, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "p-185",
		Amount: decimal.NewFromInt(1), Purpose: string([]rune(string(bytes.Repeat([]byte("я"), 185))))})
	require.NoError(t, err)
}

func TestBankRefusalsAreTyped(t *testing.T) {
	t.Parallel()
	for _, asHTTP200 := range []bool{false, true} {
		name := "ErrorsWithHTTPStatus"
		if asHTTP200 {
			name = "ErrorsAsHTTP200"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.bank.ErrorsAsHTTP200(asHTTP200)
			ctx := context.Background()

			_, err := tb.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "late", Amount: decimal.NewFromInt(1),
				ExpiresAt: tb.clock.Now().Add(-time.Minute)})
			requireAPIError(t, err, sbp.CodeExpirationDateNotValid, sbp.ErrExpirationNotValid)

			_, err = tb.client.QRState(ctx, "AD000000000000000000000000000404")
			requireAPIError(t, err, sbp.CodeNotFound, sbp.ErrNotFound)

			qr := tb.register(t, "paid-once", "10")
			_, err = tb.bank.Pay("paid-once", decimal.NewFromInt(10))
			require.NoError(t, err)
			_, err = tb.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "paid-once", Amount: decimal.NewFromInt(10)})
			requireAPIError(t, err, sbp.CodeOrderAlreadyRegistered, sbp.ErrAlreadyPaid)
			require.ErrorIs(t, tb.client.CancelQR(ctx, qr.ID), sbp.ErrInvalidRequest, "a paid QR cannot be cancelled")

			_, err = tb.client.RefundStatus(ctx, "no-such-refund")
			requireAPIError(t, err, sbp.CodeRefundNotFound, sbp.ErrNotFound)
		})
	}
}

func TestUnknownMerchantRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(c *sbp.Config) { c.SBPMerchantID = "MA0000000999" })
	_, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1)})
	requireAPIError(t, err, sbp.CodeMerchantNotRegistered, sbp.ErrMerchantNotRegistered)
}

func TestWrongKeyUnauthorized(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qr := tb.register(t, "p1", "1")
	other, err := sbp.New(sbp.Config{BaseURL: tb.server.URL, SBPMerchantID: testMerchant, SecretKey: "wrong"})
	require.NoError(t, err)
	_, err = other.QRState(context.Background(), qr.ID)
	require.ErrorIs(t, err, sbp.ErrUnauthorized)
	require.NotErrorIs(t, err, sbp.ErrUnknownOutcome)
}

func requireAPIError(t *testing.T, err error, code string, sentinel error) {
	t.Helper()
	var apiErr *sbp.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, code, apiErr.Code)
	require.NotEmpty(t, apiErr.Message)
	require.ErrorIs(t, err, sentinel)
	require.NotErrorIs(t, err, sbp.ErrUnknownOutcome, "a refusal is a known outcome")
}

func TestPaymentSettles(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	qr := tb.register(t, "pay-2002", "990")

	paid, err := tb.bank.Pay("pay-2002", decimal.NewFromInt(990))
	require.NoError(t, err)

	info, err := tb.client.QRState(ctx, qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.QRPaid, info.Status)
	require.True(t, info.Status.Final())

	p, err := tb.client.PaymentInfo(ctx, qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentSuccess, p.Status)
	require.Equal(t, paid.TransactionID, p.TransactionID)
	require.Equal(t, "pay-2002", p.OrderID)
	require.Equal(t, testMerchant, p.SBPMerchantID)
	require.True(t, decimal.NewFromInt(990).Equal(p.Amount))
	require.True(t, tb.clock.Now().Equal(p.TransactionDate))

	tb.bank.WaitCallbacks()
	got, errs := tb.receiver.notifications()
	require.Empty(t, errs)
	require.Len(t, got, 1)
	require.Equal(t, "pay-2002", got[0].OrderID)
	require.Equal(t, qr.ID, got[0].QRID)
	require.Equal(t, paid.TransactionID, got[0].TransactionID)
	require.Equal(t, sbp.PaymentSuccess, got[0].Status)
	require.True(t, decimal.NewFromInt(990).Equal(got[0].Amount))
}

func TestCallbackRedeliveredUntilAccepted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.receiver.fail = 2
	tb.register(t, "pay-retry", "5")
	_, err := tb.bank.Pay("pay-retry", decimal.NewFromInt(5))
	require.NoError(t, err)
	tb.bank.WaitCallbacks()
	got, _ := tb.receiver.notifications()
	require.Len(t, got, 1)
	require.Len(t, tb.bank.Deliveries(), 3)
	require.Equal(t, 1, tb.bank.CallbacksDelivered())
}

func TestDuplicateAndOutOfOrderCallbacksKeepTheirKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.register(t, "pay-dup", "7.07")
	tb.bank.DuplicateCallbacks(true)
	tb.bank.HoldCallbacks(true)
	_, err := tb.bank.Decline("pay-dup")
	require.NoError(t, err)
	_, err = tb.bank.Pay("pay-dup", decimal.RequireFromString("7.07"))
	require.NoError(t, err)
	tb.bank.ReleaseCallbacks()
	tb.bank.WaitCallbacks()

	got, errs := tb.receiver.notifications()
	require.Empty(t, errs)
	require.Len(t, got, 4)
	keys := map[string]sbp.PaymentStatus{}
	for _, n := range got {
		keys[n.DedupKey] = n.Status
	}
	require.Len(t, keys, 2, "two events, each delivered twice")
	statuses := []sbp.PaymentStatus{got[0].Status, got[1].Status, got[2].Status, got[3].Status}
	require.Equal(t, []sbp.PaymentStatus{sbp.PaymentSuccess, sbp.PaymentSuccess, sbp.PaymentDeclined, sbp.PaymentDeclined},
		statuses, "newest first: the success overtakes the earlier decline")
}

func TestForgedCallbackRejected(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.SendCallback(sbpfake.Callback{TransactionID: 9, QRID: "AD000000000000000000000000000009", Order: "pay-x",
		Amount: decimal.NewFromInt(1), Status: "SUCCESS", TransactionDate: "2026-11-20T12:00:00.000001+03:00"},
		sbp.Sign("1|"+testMerchant+"|pay-x|SUCCESS|2026-11-20T12:00:00.000001+03:00", "not-the-key"))
	tb.bank.WaitCallbacks()
	got, errs := tb.receiver.notifications()
	require.Empty(t, got)
	require.NotEmpty(t, errs)
	require.ErrorIs(t, errs[0], sbp.ErrBadSignature)
}

func TestSetCallbackURLRedirectsCallbacks(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	other := newCallbackReceiver(t, testKey)
	require.NoError(t, tb.client.SetCallbackURL(context.Background(), other.server.URL))
	require.ErrorIs(t, tb.client.SetCallbackURL(context.Background(), "not a url"), sbp.ErrInvalidRequest)
	tb.register(t, "pay-cb", "1")
	_, err := tb.bank.Pay("pay-cb", decimal.NewFromInt(1))
	require.NoError(t, err)
	tb.bank.WaitCallbacks()
	got, _ := other.notifications()
	require.Len(t, got, 1)
	first, _ := tb.receiver.notifications()
	require.Empty(t, first)
}

func TestCancelQR(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	qr := tb.register(t, "pay-cancel", "100")
	require.NoError(t, tb.client.CancelQR(ctx, qr.ID))
	info, err := tb.client.QRState(ctx, qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.QRCancelled, info.Status)
	_, err = tb.bank.Pay("pay-cancel", decimal.NewFromInt(100))
	require.ErrorIs(t, err, sbpfake.ErrNoPayableQR)
}

func TestQRExpires(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qr := tb.register(t, "pay-expire", "100")
	tb.clock.Advance(time.Hour)
	info, err := tb.client.QRState(context.Background(), qr.ID)
	require.NoError(t, err)
	require.Equal(t, sbp.QRExpired, info.Status)
}

func TestExpiryIsSentInMoscowTime(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	at := time.Date(2026, 11, 20, 9, 45, 0, 0, time.UTC)
	qr, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "pay-msk", Amount: decimal.NewFromInt(1), ExpiresAt: at})
	require.NoError(t, err)
	info, err := tb.client.QRState(context.Background(), qr.ID)
	require.NoError(t, err)
	require.True(t, at.Equal(info.ExpiresAt))
	_, offset := info.ExpiresAt.Zone()
	require.Equal(t, 3*60*60, offset)
}

func TestTimeoutOnCreateIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(c *sbp.Config) { c.Timeout = 250 * time.Millisecond })
	tb.bank.SetDelay(time.Minute)
	_, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "pay-slow", Amount: decimal.NewFromInt(3)})
	require.ErrorIs(t, err, sbp.ErrTimeout)
	require.ErrorIs(t, err, sbp.ErrUnknownOutcome)
	var te *sbp.TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, 1, tb.bank.Registrations("pay-slow"), "the bank did register it")

	// Registering the same order again is allowed while nothing is paid; the first QR was never shown.
	tb.bank.SetDelay(0)
	tb.register(t, "pay-slow", "3")
	require.Equal(t, 2, tb.bank.Registrations("pay-slow"))
}

func TestCallerCancellationIsUnknownOutcomeNotTimeout(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.SetDelay(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := tb.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "pay-cancelled", Amount: decimal.NewFromInt(3)})
	require.ErrorIs(t, err, sbp.ErrUnknownOutcome)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, sbp.ErrTimeout)
}

func TestConnectionRefusedIsTransportError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	client, err := sbp.New(sbp.Config{BaseURL: url, SBPMerchantID: testMerchant, SecretKey: testKey,
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1)})
	require.ErrorIs(t, err, sbp.ErrTransport)
	require.ErrorIs(t, err, sbp.ErrUnknownOutcome)
	require.NotErrorIs(t, err, sbp.ErrTimeout)
}

func TestServerErrorOnMutationIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.FailNext(1, http.StatusBadGateway, true)
	_, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "pay-502", Amount: decimal.NewFromInt(3)})
	require.ErrorIs(t, err, sbp.ErrServer)
	require.ErrorIs(t, err, sbp.ErrUnknownOutcome)
	require.Equal(t, 1, tb.bank.Registrations("pay-502"))

	tb.bank.FailNext(1, http.StatusServiceUnavailable, false)
	_, err = tb.client.QRState(context.Background(), "AD000000000000000000000000000001")
	require.ErrorIs(t, err, sbp.ErrServer)
	require.NotErrorIs(t, err, sbp.ErrUnknownOutcome, "a failed read changes nothing")
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		retries      int
		retryAfter   time.Duration
		wantErr      bool
		wantRequests int
	}{
		{"RetriedAfterRetryAfter", 1, 0, false, 2},
		{"NoRetriesConfigured", 0, 0, true, 1},
		{"RetryAfterLongerThanCap", 3, 10 * time.Second, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, func(c *sbp.Config) { c.RateLimitRetries = tt.retries; c.MaxRetryAfter = time.Second })
			tb.bank.RateLimitNext(1, tt.retryAfter)
			before := tb.bank.Requests()
			_, err := tb.client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "pay-429", Amount: decimal.NewFromInt(1)})
			require.Equal(t, tt.wantRequests, tb.bank.Requests()-before)
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, sbp.ErrRateLimited)
			require.NotErrorIs(t, err, sbp.ErrUnknownOutcome)
			var apiErr *sbp.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.retryAfter, apiErr.RetryAfter)
			require.Equal(t, 0, tb.bank.Registrations("pay-429"))
		})
	}
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	tb.register(t, "pay-ref", "1000")
	_, err := tb.bank.Pay("pay-ref", decimal.NewFromInt(1000))
	require.NoError(t, err)
	refund := func(id, amount string) (sbp.Refund, error) {
		return tb.client.Refund(ctx, sbp.RefundInput{OrderID: "pay-ref", RefundID: id, Amount: decimal.RequireFromString(amount), Purpose: "Возврат"})
	}

	r, err := refund("ref-1", "400")
	require.NoError(t, err)
	require.Equal(t, sbp.RefundInProgress, r.Status)
	require.False(t, r.Status.Final())
	require.True(t, decimal.NewFromInt(400).Equal(r.Amount))

	again, err := refund("ref-1", "400")
	require.NoError(t, err, "the same refund id again is the same refund")
	require.Equal(t, r, again)

	_, err = refund("ref-2", "600.01")
	require.ErrorIs(t, err, sbp.ErrRefundExceedsPaid)
	require.ErrorIs(t, err, sbp.ErrWrongAmount)

	_, err = refund("ref-2", "600")
	require.NoError(t, err)

	require.NoError(t, tb.bank.CompleteRefund("ref-1"))
	st, err := tb.client.RefundStatus(ctx, "ref-1")
	require.NoError(t, err)
	require.Equal(t, sbp.RefundCompleted, st.Status)
	require.True(t, st.Status.Final())

	require.NoError(t, tb.bank.DeclineRefund("ref-2"))
	_, err = refund("ref-3", "600")
	require.NoError(t, err, "a declined refund frees its amount")
}

func TestRefundInputValidated(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name    string
		in      sbp.RefundInput
		wantErr error
	}{
		{"NoRefundID", sbp.RefundInput{OrderID: "p1", Amount: decimal.NewFromInt(1)}, sbp.ErrInvalidOrder},
		{"LessThanKopeck", sbp.RefundInput{OrderID: "p1", RefundID: "r1", Amount: decimal.RequireFromString("0.001")}, sbp.ErrWrongAmount},
		{"ZeroAmount", sbp.RefundInput{OrderID: "p1", RefundID: "r1"}, sbp.ErrWrongAmount},
		{"PurposeTooLong", sbp.RefundInput{OrderID: "p1", RefundID: "r1", Amount: decimal.NewFromInt(1), Purpose: string(bytes.Repeat([]byte("x"), 141))}, sbp.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tb.client.Refund(context.Background(), tt.in)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestRefundOfUnpaidOrderRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.register(t, "pay-unpaid", "10")
	_, err := tb.client.Refund(context.Background(), sbp.RefundInput{OrderID: "pay-unpaid", RefundID: "r-unpaid", Amount: decimal.NewFromInt(1)})
	require.ErrorIs(t, err, sbp.ErrNotFound)
}

func TestUnreadableAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr error
	}{
		{"HTMLWith200", 200, "<html>oops</html>", sbp.ErrBadResponse},
		{"EmptyWith200", 200, "", sbp.ErrBadResponse},
		{"NoQRIDWith200", 200, `{"code":"SUCCESS"}`, sbp.ErrBadResponse},
		{"HTMLWith502", 502, "<html>bad gateway</html>", sbp.ErrUnknownOutcome},
		{"UnknownCodeWith400", 400, `{"code":"ERROR.SOMETHING_NEW","message":"?"}`, sbp.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			client, err := sbp.New(sbp.Config{BaseURL: srv.URL, SBPMerchantID: testMerchant, SecretKey: testKey})
			require.NoError(t, err)
			_, err = client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "p1", Amount: decimal.NewFromInt(1)})
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	var got struct {
		method, path, auth, contentType string
		body                            []byte
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.auth, got.contentType = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		got.body, _ = io.ReadAll(r.Body)
		_, _ = io.WriteString(w, `{"code":"SUCCESS","qrId":"AD100004BAL7227F9BNP6KNE007J9B3K","payload":"https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=150050&cur=RUB&crc=B631","qrUrl":"u"}`)
	}))
	t.Cleanup(srv.Close)
	client, err := sbp.New(sbp.Config{BaseURL: srv.URL + "/", SBPMerchantID: testMerchant, SecretKey: testKey})
	require.NoError(t, err)
	_, err = client.RegisterQR(context.Background(), sbp.RegisterQRInput{OrderID: "INV-2026-0042",
		Amount: decimal.RequireFromString("1500.50"), Purpose: "Оплата счёта INV-2026-0042, тариф Business",
		ExpiresAt: time.Date(2026, 11, 20, 12, 45, 0, 0, moscow)})
	require.NoError(t, err)
	require.Equal(t, http.MethodPost, got.method)
	require.Equal(t, "/api/sbp/v1/qr/register", got.path)
	require.Empty(t, got.auth, "registration is called without authorisation")
	require.Equal(t, "application/json", got.contentType)
	require.JSONEq(t, `{"qrType":"QRDynamic","sbpMerchantId":"MA0000000552","order":"INV-2026-0042","amount":1500.5,
		"currency":"RUB","paymentDetails":"Оплата счёта INV-2026-0042, тариф Business","qrExpirationDate":"2026-11-20T12:45:00+03:00"}`, string(got.body))
}

func TestSecretNeverLogged(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qr := tb.register(t, "pay-log", "1")
	_, err := tb.client.QRState(context.Background(), qr.ID)
	require.NoError(t, err)
	require.NotEmpty(t, tb.logs.String())
	require.NotContains(t, tb.logs.String(), testKey)
}

func TestGivenHTTPClientNotModified(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	_, err := sbp.New(sbp.Config{BaseURL: sbp.ProductionURL, SBPMerchantID: testMerchant, SecretKey: testKey, HTTPClient: hc, Timeout: time.Second})
	require.NoError(t, err)
	require.Zero(t, hc.Timeout)
	require.Nil(t, hc.Transport)
}

func TestRateLimitWaitCancelledKeepsKnownOutcome(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(c *sbp.Config) { c.RateLimitRetries = 1; c.MaxRetryAfter = time.Minute })
	tb.bank.RateLimitNext(1, 30*time.Second)
	// The deadline falls inside the 30 s wait the bank asked for; 2 s leave the 429 itself time to
	// arrive on a loaded machine (50 ms did not).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := tb.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "pay-429w", Amount: decimal.NewFromInt(1)})
	require.ErrorIs(t, err, sbp.ErrRateLimited)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, sbp.ErrUnknownOutcome, "the limited request was never carried out")
	require.Equal(t, 0, tb.bank.Registrations("pay-429w"))
}
