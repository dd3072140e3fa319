package sbpfake

import (
	"net/http"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// Bank is the fake. All methods are safe for concurrent use.
type Bank struct {
	cfg Config
	mux *http.ServeMux

	mu            sync.Mutex
	callbackURL   string
	qrs           map[string]*qr
	orders        map[string][]*qr // by our order id, oldest first
	refunds       map[string]*refund
	registrations map[string]int
	bindings      map[string]*binding
	requests      int
	seq           int64
	switches      switches
	held          []notification
	deliveries    []Delivery

	pending  int        // callback batches not finished yet; guarded by mu
	idle     *sync.Cond // signalled when pending drops to zero
	stop     chan struct{}
	stopOnce sync.Once
}

type switches struct {
	delay           time.Duration
	rateLimitLeft   int
	retryAfter      time.Duration
	failLeft        int
	failStatus      int
	failProcessed   bool
	errorsAsHTTP200 bool
	duplicate       bool
	outOfOrder      bool
	autoRefund      bool
	chargeOutcome   string // paymentStatus of the next charges by binding; "" means SUCCESS
}

type qr struct {
	id             string
	order          string
	amount         decimal.Decimal
	purpose        string
	additionalInfo string
	created        time.Time
	expires        time.Time
	cancelled      bool
	payment        *payment
	binding        *binding // a pay-and-bind QR (§b.2 `subscription`): paying it binds the account
}

type payment struct {
	transactionID int64
	status        string // SUCCESS, DECLINED, IN_PROGRESS
	date          string // as sent in callbacks
}

type refund struct {
	id     string
	order  string
	amount decimal.Decimal
	status string // IN_PROGRESS, COMPLETED, DECLINED
}

// New returns a fake bank; it panics only on an invalid Config (a test set-up mistake).
func New(cfg Config) *Bank {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	b := &Bank{
		cfg: cfg.withDefaults(), callbackURL: cfg.NotificationURL,
		qrs: map[string]*qr{}, orders: map[string][]*qr{}, refunds: map[string]*refund{},
		registrations: map[string]int{}, bindings: map[string]*binding{}, stop: make(chan struct{}),
	}
	b.idle = sync.NewCond(&b.mu)
	b.mux = b.routes()
	return b
}

func (b *Bank) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /api/sbp/v1/qr/register", b.handle(b.registerQR, false))
	m.HandleFunc("GET /api/sbp/v2/qrs/{qrId}", b.handle(b.qrState, true))
	m.HandleFunc("DELETE /api/sbp/v2/qrs/{qrId}", b.handle(b.cancelQR, true))
	m.HandleFunc("GET /api/sbp/v1/qr/{qrId}/payment-info", b.handle(b.paymentInfo, true))
	m.HandleFunc("GET /api/sbp/v1/qr/{qrId}/image", b.qrImage)
	m.HandleFunc("POST /api/sbp/v1/refund", b.handle(b.createRefund, true))
	m.HandleFunc("GET /api/sbp/v1/refund/{refundId}", b.handle(b.refundStatus, true))
	m.HandleFunc("POST /api/settings/v1/callback", b.handle(b.setCallback, true))
	m.HandleFunc("POST /api/sbp/v1/subscriptions", b.handle(b.createBinding, false))
	m.HandleFunc("GET /api/sbp/v1/subscriptions/{subscriptionId}", b.handle(b.bindingState, true))
	m.HandleFunc("POST /api/sbp/v1/subscriptions/{subscriptionId}/orders", b.handle(b.chargeBinding, true))
	m.HandleFunc("GET /api/sbp/v1/subscriptions/{subscriptionId}/orders/{order}", b.handle(b.bindingOrder, true))
	return m
}

// ServeHTTP serves the bank's API under /api/.
func (b *Bank) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.mux.ServeHTTP(w, r) }

// Close stops callback redelivery and waits for deliveries in flight.
func (b *Bank) Close() {
	b.stopOnce.Do(func() { close(b.stop) })
	b.WaitCallbacks()
}

func (b *Bank) now() time.Time { return b.cfg.Now() }
