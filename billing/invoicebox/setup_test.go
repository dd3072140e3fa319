package invoicebox

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"b24pay/billing/invoicebox/invoiceboxfake"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const testNotifyKey = "demo-notify-key"

// testBundle is a client wired to a fresh fake Invoicebox.
type testBundle struct {
	fake   *invoiceboxfake.Server
	server *httptest.Server
	client *Client
	now    time.Time
	sleeps *sleepLog
	sink   *sink
}

// sink is our notification endpoint: it verifies and parses like the core's handler
// will, records what it saw, and answers what the test scripts (success by default).
type sink struct {
	server *httptest.Server
	mu     sync.Mutex
	seen   []Notification
	errs   []error
	script []Answer // answers to give before falling back to the verdict
}

func newSink(t *testing.T) *sink {
	s := &sink{}
	s.server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.server.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	err := VerifySignature(body, r.Header, testNotifyKey)
	var n Notification
	if err == nil {
		n, err = ParseNotification(body)
	}
	s.mu.Lock()
	answer := AnswerFor(err)
	if err == nil {
		s.seen = append(s.seen, n)
	} else {
		s.errs = append(s.errs, err)
	}
	if len(s.script) > 0 {
		answer, s.script = s.script[0], s.script[1:]
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(answer.HTTPStatus)
	_, _ = w.Write(answer.Body())
}

func (s *sink) answers(a ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = a
}

func (s *sink) notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Notification(nil), s.seen...)
}

func (s *sink) failures() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

func (b *testBundle) input(id string) OrderInput {
	in := validOrderInput(id, b.now)
	in.URLs.Notification = b.sink.server.URL + "/webhooks/invoicebox"
	return in
}

// sleepLog records the waits the client asked for instead of sleeping.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepLog) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

func (s *sleepLog) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

type setupOpts struct {
	timeout time.Duration
	base64  bool // the fake signs in base64 instead of hex
}

func setup(t *testing.T, o ...setupOpts) *testBundle {
	t.Helper()
	var opts setupOpts
	if len(o) > 0 {
		opts = o[0]
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	sk := newSink(t)
	fakeOpts := invoiceboxfake.Options{
		NotificationKey: testNotifyKey,
		NotificationURL: sk.server.URL + "/webhooks/invoicebox",
		Now:             func() time.Time { return now },
	}
	if opts.base64 {
		fakeOpts.SignatureEncoding = invoiceboxfake.SignBase64
	}
	fake := invoiceboxfake.New(fakeOpts)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := Config{
		BaseURL: srv.URL, Token: Secret(fake.Token()), MerchantID: fake.MerchantID(),
		NotificationKey: testNotifyKey, Timeout: opts.timeout,
	}
	c, err := New(cfg)
	require.NoError(t, err)
	log := &sleepLog{}
	c.sleep = log.sleep
	c.now = func() time.Time { return now }
	return &testBundle{fake: fake, server: srv, client: c, now: now, sleeps: log, sink: sk}
}

func validOrderInput(id string, now time.Time) OrderInput {
	return OrderInput{
		MerchantOrderID: id,
		VisibleID:       "Счёт № 42 от 20.11.2026",
		Description:     "Подписка на сервис, тариф Business, декабрь 2026",
		Amount:          dec("12200.00"),
		Lines: []Line{{
			SKU: "PLAN-BUSINESS-2026-12", Name: "Доступ к сервису, тариф Business, 01.12.2026–31.12.2026",
			UnitPrice: dec("12200.00"), VATCode: VAT22, Type: ItemService,
			PaymentType: PaymentFullPrepayment, ServiceDate: "2026-12-01",
		}},
		Customer: Customer{
			Kind: CustomerLegal, Name: "ООО «Ромашка»", Email: "buh@romashka.example", Phone: "79001112233",
			INN: "7710044140", KPP: "770201001", Address: "125009, г. Москва, ул. Примерная, д. 1, оф. 2",
		},
		LockCustomer: true,
		Now:          now,
		TimeLimit:    3 * 24 * time.Hour,
		URLs: URLs{
			Notification: "https://b24pay.example.ru/webhooks/invoicebox",
			Success:      "https://b24pay.example.ru/pay/t?r=ok",
			Fail:         "https://b24pay.example.ru/pay/t?r=fail",
			Return:       "https://b24pay.example.ru/pay/t",
		},
	}
}

func decFromInt(i int) decimal.Decimal { return decimal.NewFromInt(int64(i)) }

func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
