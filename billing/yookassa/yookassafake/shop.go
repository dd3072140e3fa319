package yookassafake

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// Config sets up a fake shop.
type Config struct {
	ShopID    string // required
	SecretKey string // required
	// NotificationURL receives notifications; empty means none are sent.
	NotificationURL string
	// RetryDelays are the waits before each redelivery of a notification that did not get HTTP 200;
	// nil means three quick retries.
	RetryDelays []time.Duration
	// HTTPClient sends notifications; nil means a client with a 5 s timeout.
	HTTPClient *http.Client
	// Now is the shop's clock; nil means time.Now.
	Now func() time.Time
}

func (c Config) validate() error {
	if c.ShopID == "" || c.SecretKey == "" {
		return errors.New("yookassafake: ShopID and SecretKey are required")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.RetryDelays == nil {
		c.RetryDelays = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Shop is the fake. All methods are safe for concurrent use.
type Shop struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	seq      int64
	payments map[string]*payment
	order    []string // payment ids, oldest first
	refunds  map[string]*refund
	methods  map[string]string // saved method id → decline reason ("" charges fine)
	keys     map[string]keyed  // Idempotence-Key → first request and answer
	failLeft int
	failSts  int
	failDone bool // carry the failing request out before answering the failure
	// refundCancel: the reason later refunds are canceled with ("" lets them succeed).
	refundCancel string

	deliveries sync.WaitGroup
	delivered  []Delivery
}

// keyed is what an Idempotence-Key was first used for.
type keyed struct {
	route  string
	body   string
	at     time.Time
	status int
	answer []byte
}

// Delivery is one notification attempt.
type Delivery struct {
	Event  string
	Object string
	Status int // HTTP status answered, 0 on a transport error
}

// New returns a fake shop; it panics only on an invalid Config (a test set-up mistake).
func New(cfg Config) *Shop {
	if err := cfg.validate(); err != nil {
		panic(err)
	}
	s := &Shop{cfg: cfg.withDefaults(), payments: map[string]*payment{}, refunds: map[string]*refund{},
		methods: map[string]string{}, keys: map[string]keyed{}}
	m := http.NewServeMux()
	m.HandleFunc("POST /v3/payments", s.post(s.createPayment))
	m.HandleFunc("GET /v3/payments/{id}", s.get(s.getPayment))
	m.HandleFunc("POST /v3/payments/{id}/capture", s.post(s.capturePayment))
	m.HandleFunc("POST /v3/payments/{id}/cancel", s.post(s.cancelPayment))
	m.HandleFunc("POST /v3/refunds", s.post(s.createRefund))
	m.HandleFunc("GET /v3/refunds/{id}", s.get(s.getRefund))
	s.mux = m
	return s
}

// ServeHTTP serves the API under /v3/.
func (s *Shop) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Wait blocks until every notification sent so far is delivered or given up.
func (s *Shop) Wait() { s.deliveries.Wait() }

func (s *Shop) now() time.Time { return s.cfg.Now().UTC() }
