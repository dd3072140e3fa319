package yookassa

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
)

// Notification events (https://yookassa.ru/developers/using-api/webhooks, reference §c.6).
const (
	EventPaymentWaitingForCapture = "payment.waiting_for_capture"
	EventPaymentSucceeded         = "payment.succeeded"
	EventPaymentCanceled          = "payment.canceled"
	EventRefundSucceeded          = "refund.succeeded"
)

// NotificationNetworks are the source ranges the official Python SDK (2022,
// security_helper.py) trusts. The list may be stale (reference §e), so a notification is always
// re-read with a GET as well (Verify); the IP check is the cheap first filter.
var NotificationNetworks = []string{
	"185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32",
	"77.75.154.128/25", "2a02:5180::/32",
}

// Notification is an inbound notification: `{"type":"notification","event":…,"object":{…}}`.
type Notification struct {
	Type   string          `json:"type"`
	Event  string          `json:"event"`
	Object json.RawMessage `json:"object"`
}

// objectRef is the part of the object every notification has.
type objectRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// ParseNotification reads a notification body.
func ParseNotification(body []byte) (Notification, error) {
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return Notification{}, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	ref, err := n.ref()
	if n.Type != "notification" || err != nil || ref.ID == "" || !strings.Contains(n.Event, ".") {
		return Notification{}, fmt.Errorf("%w: type %q, event %q", ErrMalformedNotification, n.Type, n.Event)
	}
	return n, nil
}

func (n Notification) ref() (objectRef, error) {
	var r objectRef
	err := json.Unmarshal(n.Object, &r)
	return r, err
}

// ObjectID is the payment or refund id the notification is about.
func (n Notification) ObjectID() string { r, _ := n.ref(); return r.ID }

// DedupKey identifies one event of one object, however often it is delivered: object id +
// event + the object's status (§c.6).
func (n Notification) DedupKey() string {
	r, _ := n.ref()
	return r.ID + ":" + n.Event + ":" + r.Status
}

// IsRefund reports whether the object is a refund.
func (n Notification) IsRefund() bool { return strings.HasPrefix(n.Event, "refund.") }

// Allowlist checks notification source addresses.
type Allowlist struct{ prefixes []netip.Prefix }

// NewAllowlist parses CIDRs (a bare address means just that address).
func NewAllowlist(cidrs []string) (Allowlist, error) {
	var a Allowlist
	for _, c := range cidrs {
		if !strings.Contains(c, "/") {
			addr, err := netip.ParseAddr(c)
			if err != nil {
				return Allowlist{}, fmt.Errorf("yookassa: allow-list entry %q: %w", c, err)
			}
			c = netip.PrefixFrom(addr, addr.BitLen()).String()
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return Allowlist{}, fmt.Errorf("yookassa: allow-list entry %q: %w", c, err)
		}
		a.prefixes = append(a.prefixes, p.Masked())
	}
	return a, nil
}

// Allows reports whether ip (as from gin's ClientIP, already past trusted proxies) is listed.
func (a Allowlist) Allows(ip string) error {
	addr, err := netip.ParseAddr(ip)
	if err == nil {
		addr = addr.Unmap()
		for _, p := range a.prefixes {
			if p.Contains(addr) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q", ErrForeignSource, ip)
}

// VerifyPayment re-reads the payment a notification names and returns what the API says now:
// the only trusted source (§c.6). The notification's own object is used only for its id; a
// status that moved on since (out-of-order delivery) is fine, a different amount is not.
func (cl *Client) VerifyPayment(ctx context.Context, n Notification) (Payment, error) {
	if n.IsRefund() {
		return Payment{}, fmt.Errorf("%w: %s is not a payment event", ErrMalformedNotification, n.Event)
	}
	var claimed Payment
	if err := json.Unmarshal(n.Object, &claimed); err != nil {
		return Payment{}, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	p, err := cl.GetPayment(ctx, claimed.ID)
	if err != nil {
		return Payment{}, err
	}
	if p.Amount != claimed.Amount {
		return Payment{}, fmt.Errorf("%w: payment %s amount %v, notified %v", ErrNotificationMismatch, p.ID, p.Amount, claimed.Amount)
	}
	return p, nil
}

// VerifyRefund re-reads the refund a notification names.
func (cl *Client) VerifyRefund(ctx context.Context, n Notification) (Refund, error) {
	if !n.IsRefund() {
		return Refund{}, fmt.Errorf("%w: %s is not a refund event", ErrMalformedNotification, n.Event)
	}
	return cl.GetRefund(ctx, n.ObjectID())
}
