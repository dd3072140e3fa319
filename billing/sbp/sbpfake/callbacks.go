package sbpfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// SignatureHeader carries the callback signature.
const SignatureHeader = "X-Api-Signature-SHA256"

// Callback is one payment callback as the bank sends it.
type Callback struct {
	TransactionID   int64
	QRID            string
	Order           string
	Amount          decimal.Decimal
	Status          string // SUCCESS, DECLINED, ...
	TransactionDate string // exactly as it goes on the wire
	CreateDate      string
	AdditionalInfo  string
}

// Delivery is one attempt to deliver a callback.
type Delivery struct {
	Body      []byte
	Signature string
	Attempt   int // 1 for the first try
	Status    int // HTTP status answered; 0 if none
	Err       string
}

// Delivered reports whether this attempt was accepted (HTTP 200).
func (d Delivery) Delivered() bool { return d.Status == http.StatusOK }

type callbackBody struct {
	TransactionID   int64       `json:"transactionId"`
	QRID            string      `json:"qrId"`
	SBPMerchantID   string      `json:"sbpMerchantId"`
	MerchantID      int64       `json:"merchantId"`
	Amount          json.Number `json:"amount"`
	Currency        string      `json:"currency"`
	TransactionDate string      `json:"transactionDate"`
	PaymentStatus   string      `json:"paymentStatus"`
	AdditionalInfo  *string     `json:"additionalInfo"`
	Order           string      `json:"order"`
	CreateDate      string      `json:"createDate"`
}

type notification struct {
	body      []byte
	signature string
}

// Signature is what the bank puts in X-Api-Signature-SHA256: lower-case hex
// HMAC-SHA256(secretKey, amount|sbpMerchantId|order|paymentStatus|transactionDate).
func (b *Bank) Signature(c Callback) string {
	msg := strings.Join([]string{c.Amount.String(), b.cfg.SBPMerchantID, c.Order, c.Status, c.TransactionDate}, "|")
	m := hmac.New(sha256.New, []byte(b.cfg.SecretKey))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// SendCallback sends c as the bank would (through the duplicate/hold switches and retries).
// An empty signature means the genuine one; pass any other to test forged callbacks.
func (b *Bank) SendCallback(c Callback, signature string) {
	if signature == "" {
		signature = b.Signature(c)
	}
	b.enqueue(notification{body: b.callbackJSON(c), signature: signature})
}

func (b *Bank) callbackJSON(c Callback) []byte {
	body := callbackBody{
		TransactionID: c.TransactionID, QRID: c.QRID, SBPMerchantID: b.cfg.SBPMerchantID,
		MerchantID: b.cfg.MerchantID, Amount: json.Number(c.Amount.String()), Currency: "RUB",
		TransactionDate: c.TransactionDate, PaymentStatus: c.Status, Order: c.Order, CreateDate: c.CreateDate,
	}
	if c.AdditionalInfo != "" {
		body.AdditionalInfo = &c.AdditionalInfo
	}
	out, _ := json.Marshal(body) // cannot fail: plain fields only
	return out
}

func (b *Bank) enqueue(n notification) {
	b.mu.Lock()
	defer b.mu.Unlock()
	copies := 1
	if b.switches.duplicate {
		copies = 2
	}
	for range copies {
		if b.switches.outOfOrder {
			b.held = append(b.held, n)
			continue
		}
		b.startDelivery(n)
	}
}

// ReleaseCallbacks sends the held callbacks newest first.
func (b *Bank) ReleaseCallbacks() {
	b.mu.Lock()
	defer b.mu.Unlock()
	batch := make([]notification, 0, len(b.held))
	for i := len(b.held) - 1; i >= 0; i-- {
		batch = append(batch, b.held[i])
	}
	b.held = nil
	b.startDelivery(batch...)
}

// startDelivery delivers the callbacks one after another (each with its retries) in the
// background. Caller holds b.mu.
func (b *Bank) startDelivery(batch ...notification) {
	b.pending++
	go func() {
		defer b.finishBatch()
		for _, n := range batch {
			b.deliver(n)
		}
	}()
}

func (b *Bank) finishBatch() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending--
	if b.pending == 0 {
		b.idle.Broadcast()
	}
}

func (b *Bank) deliver(n notification) {
	for attempt := 1; ; attempt++ {
		if b.post(n, attempt) {
			return
		}
		if attempt > len(b.cfg.RetryDelays) {
			return
		}
		t := time.NewTimer(b.cfg.RetryDelays[attempt-1])
		select {
		case <-t.C:
		case <-b.stop:
			t.Stop()
			return
		}
	}
}

// post makes one delivery attempt and records it; true means accepted.
func (b *Bank) post(n notification, attempt int) bool {
	d := Delivery{Body: n.body, Signature: n.signature, Attempt: attempt}
	defer func() { b.record(d) }()
	b.mu.Lock()
	target := b.callbackURL
	b.mu.Unlock()
	if target == "" {
		d.Err = "no callback URL configured"
		return false
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(n.body))
	if err != nil {
		d.Err = err.Error()
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, n.signature)
	resp, err := b.cfg.HTTPClient.Do(req)
	if err != nil {
		d.Err = err.Error()
		return false
	}
	resp.Body.Close()
	d.Status = resp.StatusCode
	return d.Delivered()
}

func (b *Bank) record(d Delivery) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deliveries = append(b.deliveries, d)
}
