package sbp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// maxNotificationSize bounds the bodies we parse; real callbacks are well under 1 KiB.
const maxNotificationSize = 64 << 10

// Notification is a payment callback from the bank. Only Amount, SBPMerchantID, OrderID,
// Status and TransactionDate are covered by the signature; treat the rest as unauthenticated
// (confirm with PaymentInfo when it matters).
type Notification struct {
	OrderID         string // our order id (`order`)
	QRID            string // provider id of the QR (`qrId`)
	TransactionID   int64  // provider id of the payment (`transactionId`); zero if absent
	SBPMerchantID   string
	MerchantID      int64
	Amount          decimal.Decimal // rubles
	Currency        string
	Status          PaymentStatus
	TransactionDate time.Time
	// TransactionDateRaw is the date exactly as received (it is what the signature covers).
	TransactionDateRaw string
	CreatedAt          time.Time // zero if absent
	AdditionalInfo     string
	// DedupKey identifies this event for deduplication: the same payment reported twice with the
	// same status gives the same key; a different status of the same payment gives another.
	DedupKey string
}

// wireNotification mirrors the callback body; amount and transactionId stay raw for exactness.
type wireNotification struct {
	TransactionID   json.RawMessage `json:"transactionId"`
	QRID            string          `json:"qrId"`
	SBPMerchantID   string          `json:"sbpMerchantId"`
	MerchantID      json.RawMessage `json:"merchantId"`
	Amount          json.RawMessage `json:"amount"`
	Currency        string          `json:"currency"`
	TransactionDate string          `json:"transactionDate"`
	PaymentStatus   string          `json:"paymentStatus"`
	AdditionalInfo  *string         `json:"additionalInfo"`
	Order           string          `json:"order"`
	CreateDate      string          `json:"createDate"`
}

// ParseNotification reads a callback body. It does not check the signature (VerifySignature does).
func ParseNotification(body []byte) (Notification, error) {
	w, err := decodeWire(body)
	if err != nil {
		return Notification{}, err
	}
	return w.toNotification()
}

// ParseVerifiedNotification checks the signature in h against key and then parses the body.
func ParseVerifiedNotification(body []byte, h HeaderGetter, key string) (Notification, error) {
	if err := VerifySignature(body, h, key); err != nil {
		return Notification{}, err
	}
	return ParseNotification(body)
}

func decodeWire(body []byte) (wireNotification, error) {
	var w wireNotification
	if len(body) > maxNotificationSize {
		return w, fmt.Errorf("%w: body of %d bytes is too large", ErrMalformedNotification, len(body))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return w, fmt.Errorf("%w: data after the JSON object", ErrMalformedNotification)
	}
	return w, w.checkRequired()
}

func (w wireNotification) checkRequired() error {
	missing := func(f string) error { return fmt.Errorf("%w: %s is missing", ErrMalformedNotification, f) }
	switch {
	case w.Order == "":
		return missing("order")
	case w.SBPMerchantID == "":
		return missing("sbpMerchantId")
	case w.PaymentStatus == "":
		return missing("paymentStatus")
	case w.TransactionDate == "":
		return missing("transactionDate")
	case len(w.Amount) == 0 || string(w.Amount) == "null":
		return missing("amount")
	}
	return nil
}

func (w wireNotification) toNotification() (Notification, error) {
	amount, err := w.amount()
	if err != nil {
		return Notification{}, err
	}
	txID, err := optionalInt("transactionId", w.TransactionID)
	if err != nil {
		return Notification{}, err
	}
	merchantID, err := optionalInt("merchantId", w.MerchantID)
	if err != nil {
		return Notification{}, err
	}
	txDate, err := time.Parse(time.RFC3339Nano, w.TransactionDate)
	if err != nil {
		return Notification{}, fmt.Errorf("%w: transactionDate: %v", ErrMalformedNotification, err)
	}
	created, _ := parseWireTime(w.CreateDate)
	n := Notification{
		OrderID: w.Order, QRID: w.QRID, TransactionID: txID, SBPMerchantID: w.SBPMerchantID,
		MerchantID: merchantID, Amount: amount, Currency: w.Currency, Status: PaymentStatus(w.PaymentStatus),
		TransactionDate: txDate, TransactionDateRaw: w.TransactionDate, CreatedAt: created,
	}
	if w.AdditionalInfo != nil {
		n.AdditionalInfo = *w.AdditionalInfo
	}
	n.DedupKey = dedupKey(n)
	return n, nil
}

// amount reads the amount (number or quoted string): non-negative, whole kopecks.
func (w wireNotification) amount() (decimal.Decimal, error) {
	d, err := parseAmountText(string(bytes.Trim(w.Amount, `"`)))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	if d.IsNegative() || !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, fmt.Errorf("%w: amount %s is not a whole number of kopecks", ErrMalformedNotification, d)
	}
	return d, nil
}

func optionalInt(field string, raw json.RawMessage) (int64, error) {
	s := string(bytes.Trim(raw, `"`))
	if s == "" || s == "null" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %v", ErrMalformedNotification, field, err)
	}
	return v, nil
}

func dedupKey(n Notification) string {
	if n.TransactionID != 0 {
		return fmt.Sprintf("sbp:tx:%d:%s", n.TransactionID, n.Status)
	}
	return fmt.Sprintf("sbp:order:%s:%s:%s", n.OrderID, n.Status, n.TransactionDateRaw)
}

// CheckAgainst compares the notification with what we registered: our merchant, the amount of
// the QR for this order and rubles as currency. A mismatch is ErrForeignMerchant or ErrWrongAmount.
func (n Notification) CheckAgainst(sbpMerchantID string, amount decimal.Decimal) error {
	if n.SBPMerchantID != sbpMerchantID {
		return fmt.Errorf("%w: notification for merchant %q", ErrForeignMerchant, n.SBPMerchantID)
	}
	if !n.Amount.Equal(amount) {
		return fmt.Errorf("%w: notified %s, expected %s", ErrWrongAmount, n.Amount, amount)
	}
	if n.Currency != "" && n.Currency != "RUB" {
		return fmt.Errorf("%w: currency %q", ErrWrongAmount, n.Currency)
	}
	return nil
}
