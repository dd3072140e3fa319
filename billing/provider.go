package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Errors providers return, mapped from their own.
var (
	// ErrUnknownOutcome: the provider may or may not have done it (timeout, 5xx on a write).
	ErrUnknownOutcome = errors.New("billing: provider outcome unknown")
	// ErrOrderNotFound: the provider has no order with our id.
	ErrOrderNotFound = errors.New("billing: provider has no such order")
	// ErrBadSignature: an inbound notification failed its signature check.
	ErrBadSignature = errors.New("billing: notification signature is wrong")
	// ErrForeign: a verified notification is for another merchant or in a currency not ours.
	ErrForeign = errors.New("billing: notification for another merchant or currency")
	// ErrMalformed: an inbound notification could not be read.
	ErrMalformed = errors.New("billing: malformed notification")
	// ErrRefundInProgress: the provider accepted the refund and has not finished it yet; the
	// refund stays pending (with the ref returned alongside) and reconciliation asks again.
	ErrRefundInProgress = errors.New("billing: the provider is still processing the refund")
	// ErrRefundOnly: the route only returns money of payments collected elsewhere.
	ErrRefundOnly = errors.New("billing: the route takes no new payments, it only refunds")
)

// Customer is who pays, as printed on the invoice.
type Customer struct {
	Company bool // organisation or ИП; else a person
	Name    string
	INN     string
	KPP     string
	Email   string
	Phone   string
	Address string
}

// Order is what a provider is asked to collect.
type Order struct {
	PaymentID   string // ours; the provider's merchant order id
	Amount      decimal.Decimal
	Currency    string
	Description string
	Customer    Customer
	Now         time.Time
	TimeLimit   time.Duration
	Trusted     bool
	NotifyURL   string
	ReturnURL   string
}

// Created is the provider's answer to a new order.
type Created struct {
	Ref       string // the provider's id
	PayURL    string
	ExpiresAt time.Time
}

// State is what the provider says about an order now.
type State struct {
	Ref    string
	Status string          // one of our payment statuses: pending, succeeded, failed, expired, cancelled
	Paid   decimal.Decimal // what the provider says was paid; zero when it does not say
	PayURL string
}

// Notice is a verified, parsed inbound notification.
type Notice struct {
	PaymentID string
	Ref       string
	Status    string // our status
	Amount    decimal.Decimal
	Currency  string // empty when the provider does not say
	DedupKey  string
	Probe     bool
}

// RefundRequest asks the provider to return money. RefundRef is the refund's own reference when an
// earlier answer named it (the refund is then read back, not asked for again).
type RefundRequest struct {
	RefundID    string
	PaymentID   string
	Ref         string
	RefundRef   string
	Amount      decimal.Decimal
	Currency    string
	Description string
}

// Provider is one payment route.
type Provider interface {
	Name() string
	// Currencies lists the ISO codes the route can collect.
	Currencies() []string
	Create(ctx context.Context, o Order) (Created, error)
	Lookup(ctx context.Context, paymentID, ref string) (State, error)
	Cancel(ctx context.Context, ref string) error
	// Refund returns money under our refund id as the idempotency key: nil when done,
	// ErrRefundInProgress while the provider works on it, ErrUnknownOutcome when the answer was
	// lost; any other error is a refusal.
	Refund(ctx context.Context, r RefundRequest) (refundRef string, err error)
	// Inbound verifies and parses a notification; it must not have side effects.
	Inbound(header http.Header, body []byte) (Notice, error)
}

// Supports tells whether a route takes a currency (ErrCurrencyNotSupported says which it takes).
func Supports(p Provider, currency string) error {
	for _, c := range p.Currencies() {
		if c == currency {
			return nil
		}
	}
	return fmt.Errorf("%w: %s takes %s", ErrCurrencyNotSupported, p.Name(), strings.Join(p.Currencies(), ", "))
}

// Updater is a provider whose unpaid orders can change their amount (dynamic pricing).
type Updater interface {
	Update(ctx context.Context, ref string, o Order) error
}
