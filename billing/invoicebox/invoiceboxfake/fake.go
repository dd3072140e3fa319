package invoiceboxfake

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The demo shop published in the Invoicebox docs.
const (
	DemoToken      = "b37c4c689295904ed21eee5d9a48d42e"
	DemoMerchantID = "ffffffff-ffff-ffff-ffff-ffffffffffff"
)

// SignatureEncoding is how the fake writes X-Signature.
type SignatureEncoding int

// Hex is what the docs describe; Base64 exercises the other reading.
const (
	SignHex SignatureEncoding = iota
	SignBase64
)

// Options configure a Server; zero values take defaults.
type Options struct {
	Token           string // default DemoToken
	MerchantID      string // default DemoMerchantID
	NotificationKey string // HMAC-SHA1 key of X-Signature
	NotificationURL string // shop-level URL, used when an order has none
	PaymentPageURL  string // default https://pay.invoicebox.ru/order/
	Now             func() time.Time

	// NotifyAttempts is the number of delivery attempts per notification; the real
	// service makes 1 + 10. NotifyBackoff is the pause between them.
	NotifyAttempts int
	NotifyBackoff  time.Duration
	// NotifyOnCancelAndExpiry also notifies canceled/expired transitions (unconfirmed
	// for the real service; off by default).
	NotifyOnCancelAndExpiry bool
	SignatureEncoding       SignatureEncoding
	HTTPClient              *http.Client // for notifications; default 20 s timeout
}

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = DemoToken
	}
	if o.MerchantID == "" {
		o.MerchantID = DemoMerchantID
	}
	if o.PaymentPageURL == "" {
		o.PaymentPageURL = "https://pay.invoicebox.ru/order/"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NotifyAttempts <= 0 {
		o.NotifyAttempts = 11
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	return o
}

// Server is the fake. Use it as an http.Handler (httptest.NewServer(fake)).
type Server struct {
	opts Options

	mu        sync.Mutex
	seq       int
	orders    map[string]*order // by Invoicebox id
	byOurID   map[string]string // merchantOrderId → id, orders and refunds
	refunds   map[string]*refund
	stats     stats
	faults    faults
	held      []notification
	holding   bool
	dupExtra  int
	delivered []Delivery
}

type stats struct {
	requests       int
	createAttempts map[string]int
	created        map[string]int
}

// DelayPoint says whether a delayed request is applied before or after the wait.
type DelayPoint int

// DelayBeforeProcessing: nothing happens if the caller gives up. DelayAfterProcessing:
// the write is applied and only the answer is late — a "timeout on create".
const (
	DelayBeforeProcessing DelayPoint = iota
	DelayAfterProcessing
)

type faults struct {
	rateLimited int
	retryAfter  time.Duration
	delayed     int
	delay       time.Duration
	delayPoint  DelayPoint
	failing     int
	failAfter   bool
}

// New builds a fake with the given options.
func New(opts Options) *Server {
	return &Server{
		opts:    opts.withDefaults(),
		orders:  map[string]*order{},
		byOurID: map[string]string{},
		refunds: map[string]*refund{},
		stats:   stats{createAttempts: map[string]int{}, created: map[string]int{}},
	}
}

// MerchantID of the fake shop.
func (s *Server) MerchantID() string { return s.opts.MerchantID }

// Token the fake accepts.
func (s *Server) Token() string { return s.opts.Token }

// RateLimitNext answers the next n API requests with 429 and Retry-After.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rateLimited, s.faults.retryAfter = n, retryAfter
}

// DelayNext delays the next n API requests by d, before or after processing them.
func (s *Server) DelayNext(n int, d time.Duration, p DelayPoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.delayed, s.faults.delay, s.faults.delayPoint = n, d, p
}

// FailNext answers the next n API requests with 500, after applying them if afterProcessing.
func (s *Server) FailNext(n int, afterProcessing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.failing, s.faults.failAfter = n, afterProcessing
}

// ServeHTTP serves the merchant API under /v3/ and /l3/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := stripPrefix(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "", "Not Found")
		return
	}
	if path == "/security/api/auth/auth" && r.Method == http.MethodGet {
		s.serveAuth(w, r)
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "Unauthorized")
		return
	}
	if s.throttled(w) {
		return
	}
	s.serveWithFaults(w, r, path)
}

func stripPrefix(p string) (string, bool) {
	for _, prefix := range []string{"/v3", "/l3"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && strings.HasPrefix(rest, "/") {
			return rest, true
		}
	}
	return "", false
}

func (s *Server) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && token == s.opts.Token
}

func (s *Server) serveAuth(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	switch {
	case auth == "":
		writeData(w, map[string]any{"userId": nil, "profile": nil, "accessToken": nil})
	case s.authorized(r):
		writeData(w, map[string]any{"userId": "00000000-0000-7000-8000-00000000a11c", "profile": nil, "accessToken": nil})
	default:
		writeError(w, http.StatusUnauthorized, "unauthorized", "Unauthorized")
	}
}

func (s *Server) throttled(w http.ResponseWriter) bool {
	s.mu.Lock()
	s.stats.requests++
	limited := s.faults.rateLimited > 0
	if limited {
		s.faults.rateLimited--
	}
	wait := s.faults.retryAfter
	s.mu.Unlock()
	if limited {
		w.Header().Set("Retry-After", retryAfterSeconds(wait))
		writeError(w, http.StatusTooManyRequests, "", "Too Many Requests")
	}
	return limited
}

// serveWithFaults applies the delay and failure switches around the route.
func (s *Server) serveWithFaults(w http.ResponseWriter, r *http.Request, path string) {
	delay, point, fail, failAfter := s.takeFaults()
	if delay > 0 {
		bufferBody(r) // reading to EOF lets the server notice a client that gives up
	}
	if delay > 0 && point == DelayBeforeProcessing && !wait(r, delay) {
		return
	}
	if fail && !failAfter {
		writeError(w, http.StatusInternalServerError, "", "Internal Server Error")
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.route(rec, r, path)
	if delay > 0 && point == DelayAfterProcessing && !wait(r, delay) {
		return
	}
	if fail {
		writeError(w, http.StatusInternalServerError, "", "Internal Server Error")
		return
	}
	rec.flush(w)
}

func (s *Server) takeFaults() (time.Duration, DelayPoint, bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var delay time.Duration
	if s.faults.delayed > 0 {
		s.faults.delayed--
		delay = s.faults.delay
	}
	fail := s.faults.failing > 0
	if fail {
		s.faults.failing--
	}
	return delay, s.faults.delayPoint, fail, s.faults.failAfter
}

func bufferBody(r *http.Request) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
}

// wait sleeps d unless the client goes away first; it reports whether to answer.
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Requests is the number of authorised API requests served.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.requests
}

// CreateAttempts is how many create-order requests carried this merchantOrderId.
func (s *Server) CreateAttempts(merchantOrderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.createAttempts[merchantOrderID]
}

// OrdersCreated is how many orders were created under this merchantOrderId (at most 1
// unless something is badly wrong).
func (s *Server) OrdersCreated(merchantOrderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.created[merchantOrderID]
}
