package invoiceboxfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
)

// notification is one message to deliver: a snapshot taken when it was raised.
type notification struct {
	OrderID         string
	MerchantOrderID string
	Status          string
	URL             string
	Body            []byte
}

// Delivery is one attempt to deliver a notification.
type Delivery struct {
	OrderID         string
	MerchantOrderID string
	Status          string // order status in the body
	URL             string
	Body            []byte
	Signature       string
	Attempt         int // 1-based within this notification
	HTTPStatus      int // 0 when no answer
	AnswerStatus    string
	AnswerCode      string
	Err             string
	Accepted        bool // HTTP 200 with {"status":"success"}
}

// notificationLocked snapshots the order as Invoicebox would send it; amount is what
// the notification says was paid.
func (s *Server) notificationLocked(o *order, amount decimal.Decimal) notification {
	j := s.render(o)
	j.Amount = money(amount)
	return notification{
		OrderID: o.ID, MerchantOrderID: o.MerchantOrderID, Status: o.Status,
		URL: s.notificationURL(o), Body: phpJSON(j),
	}
}

func (s *Server) notificationURL(o *order) string {
	if o != nil && o.NotificationURL != "" {
		return o.NotificationURL
	}
	return s.opts.NotificationURL
}

// phpJSON encodes like PHP's json_encode: slashes escaped as \/. A "/" can only occur
// inside JSON strings, so the replacement keeps the document valid.
func phpJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return bytes.ReplaceAll(b, []byte("/"), []byte(`\/`))
}

// Sign is X-Signature for body as the fake writes it.
func (s *Server) Sign(body []byte) string {
	m := hmac.New(sha1.New, []byte(s.opts.NotificationKey))
	m.Write(body)
	sum := m.Sum(nil)
	if s.opts.SignatureEncoding == SignBase64 {
		return base64.StdEncoding.EncodeToString(sum)
	}
	return hex.EncodeToString(sum)
}

// dispatch holds or delivers notifications; call it without the lock.
func (s *Server) dispatch(ns ...notification) {
	for _, n := range ns {
		s.mu.Lock()
		if s.holding {
			s.held = append(s.held, n)
			s.mu.Unlock()
			continue
		}
		copies := 1 + s.dupExtra
		s.mu.Unlock()
		for i := 0; i < copies; i++ {
			s.deliver(n)
		}
	}
}

// deliver posts n until it is accepted or the attempts run out.
func (s *Server) deliver(n notification) {
	if n.URL == "" {
		return
	}
	for attempt := 1; attempt <= s.opts.NotifyAttempts; attempt++ {
		d := s.post(n, attempt)
		s.mu.Lock()
		s.delivered = append(s.delivered, d)
		s.mu.Unlock()
		if d.Accepted {
			return
		}
		if attempt < s.opts.NotifyAttempts && s.opts.NotifyBackoff > 0 {
			time.Sleep(s.opts.NotifyBackoff)
		}
	}
}

func (s *Server) post(n notification, attempt int) Delivery {
	d := Delivery{
		OrderID: n.OrderID, MerchantOrderID: n.MerchantOrderID, Status: n.Status, URL: n.URL,
		Body: n.Body, Signature: s.Sign(n.Body), Attempt: attempt,
	}
	req, err := http.NewRequest(http.MethodPost, n.URL, bytes.NewReader(n.Body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", d.Signature)
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	defer resp.Body.Close()
	d.HTTPStatus = resp.StatusCode
	var answer struct {
		Status string `json:"status"`
		Code   string `json:"code"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(body, &answer) == nil {
		d.AnswerStatus, d.AnswerCode = answer.Status, answer.Code
	}
	d.Accepted = resp.StatusCode == http.StatusOK && answer.Status == "success"
	return d
}

// HoldNotifications queues notifications instead of sending them, until Release.
func (s *Server) HoldNotifications() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holding = true
}

// Release sends the held notifications, newest first when reverse is set (out-of-order
// delivery), and stops holding.
func (s *Server) Release(reverse bool) {
	s.mu.Lock()
	held := s.held
	s.held, s.holding = nil, false
	s.mu.Unlock()
	if reverse {
		for i, j := 0, len(held)-1; i < j; i, j = i+1, j-1 {
			held[i], held[j] = held[j], held[i]
		}
	}
	s.dispatch(held...)
}

// DuplicateDeliveries sends every notification 1+extra times (each one retried on its own).
func (s *Server) DuplicateDeliveries(extra int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dupExtra = extra
}

// Deliveries are all delivery attempts so far, in order.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// NotificationsSent is the number of delivery attempts so far.
func (s *Server) NotificationsSent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.delivered)
}
