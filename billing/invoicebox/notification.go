package invoicebox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Order ids Invoicebox uses for its monitoring probe (the second one by the official
// 1C-Bitrix module). A probe is answered with Success after the signature check.
const (
	ProbeOrderID       = "ffffffff-ffff-ffff-ffff-ffffffffffff"
	LegacyProbeOrderID = "00000-00000-00000-00000"
)

// MaxNotificationBytes bounds the body ParseNotification accepts.
const MaxNotificationBytes = 1 << 20

// ErrMalformedNotification is matched by every ParseNotification failure.
var ErrMalformedNotification = errors.New("invoicebox: malformed notification")

// NotificationError says what is wrong with a notification body.
type NotificationError struct {
	Field  string
	Reason string
}

func (e *NotificationError) Error() string {
	return fmt.Sprintf("invoicebox: malformed notification: %s: %s", e.Field, e.Reason)
}

// Is matches ErrMalformedNotification.
func (e *NotificationError) Is(target error) bool { return target == ErrMalformedNotification }

// Notification is a parsed order notification.
type Notification struct {
	InvoiceboxID    string // Invoicebox order id
	MerchantOrderID string // our payment id; empty on a probe
	MerchantID      string
	Status          OrderStatus // as sent; see Paid and NeedsLookup
	Amount          decimal.Decimal
	Currency        string
	CreatedAt       time.Time
	PaidAt          time.Time
	Probe           bool
	// DedupKey identifies this notification: the same order reaching the same status with the
	// same amount is the same event however often it is delivered; a corrected amount is a new one.
	DedupKey string
}

// Paid reports the only status that means paid: completed.
func (n Notification) Paid() bool { return n.Status == StatusCompleted }

// NeedsLookup: the status is not one we know (the SDK sample sends "success"); re-read
// the order with GetOrder instead of guessing.
func (n Notification) NeedsLookup() bool { return !n.Status.IsKnown() }

// ForMerchant reports whether the notification is about our shop.
func (n Notification) ForMerchant(merchantID string) bool { return n.MerchantID == merchantID }

type notificationWire struct {
	ID              string          `json:"id"`
	Status          string          `json:"status"`
	MerchantID      string          `json:"merchantId"`
	MerchantOrderID string          `json:"merchantOrderId"`
	Amount          json.RawMessage `json:"amount"`
	CurrencyID      string          `json:"currencyId"`
	CreatedAt       string          `json:"createdAt"`
	PaidAt          string          `json:"paidAt"`
}

// ParseNotification reads a notification body. Verify the signature first.
func ParseNotification(body []byte) (Notification, error) {
	if len(body) > MaxNotificationBytes {
		return Notification{}, malformed("body", "larger than %d bytes", MaxNotificationBytes)
	}
	var w notificationWire
	if err := json.Unmarshal(body, &w); err != nil {
		return Notification{}, malformed("body", "not a JSON order object: %v", err)
	}
	n := Notification{
		InvoiceboxID:    strings.TrimSpace(w.ID),
		MerchantOrderID: w.MerchantOrderID,
		MerchantID:      strings.TrimSpace(w.MerchantID),
		Status:          OrderStatus(strings.TrimSpace(w.Status)),
		Currency:        strings.TrimSpace(w.CurrencyID),
		CreatedAt:       parseTime(w.CreatedAt),
		PaidAt:          parseTime(w.PaidAt),
	}
	n.Probe = n.InvoiceboxID == ProbeOrderID || n.InvoiceboxID == LegacyProbeOrderID
	if err := n.fill(w); err != nil {
		return Notification{}, err
	}
	n.DedupKey = "invoicebox:" + n.InvoiceboxID + ":" + string(n.Status) + ":" + n.Amount.String()
	return n, nil
}

func (n *Notification) fill(w notificationWire) error {
	switch {
	case n.InvoiceboxID == "" || len(n.InvoiceboxID) > 256:
		return malformed("id", "must be 1–256 characters")
	case n.MerchantID == "" || len(n.MerchantID) > 256:
		return malformed("merchantId", "must be 1–256 characters")
	case n.Status == "" || len(n.Status) > 64:
		return malformed("status", "must be 1–64 characters")
	case len(n.MerchantOrderID) > 256:
		return malformed("merchantOrderId", "longer than 256 characters")
	}
	if n.Probe {
		n.Amount, _ = parseMoney(w.Amount)
		return nil
	}
	if strings.TrimSpace(n.MerchantOrderID) == "" {
		return malformed("merchantOrderId", "empty outside a probe")
	}
	if len(n.Currency) != 3 {
		return malformed("currencyId", "must be a 3-letter code")
	}
	amount, err := parseMoney(w.Amount)
	if err != nil {
		return malformed("amount", "%v", err)
	}
	if amount.IsNegative() {
		return malformed("amount", "negative")
	}
	n.Amount = amount
	return nil
}

func malformed(field, format string, args ...any) error {
	return &NotificationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
