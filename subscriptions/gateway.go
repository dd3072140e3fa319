package subscriptions

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
)

// ErrOutcomeUnknown: the gateway may or may not have charged; repeat with the same key or look up.
var ErrOutcomeUnknown = errors.New("subscriptions: gateway outcome unknown")

// Gateway charges cards. Pay must be idempotent by key: the same key returns the original result.
type Gateway interface {
	Pay(ctx context.Context, key string, req PayRequest) (PayResult, error)
	Get(ctx context.Context, ref string) (PayResult, error)
}

// PayRequest is one payment. Without MethodID it is customer-initiated: the card is saved and the
// payer confirms at PayResult.ConfirmURL, then comes back to ReturnURL.
type PayRequest struct {
	Amount      decimal.Decimal
	Currency    string
	MethodID    string
	ReturnURL   string
	Description string
	Metadata    map[string]string
}

// PayResult is what the gateway says about a payment. Status is one of ChargePending,
// ChargeSucceeded, ChargeFailed (soft decline) or ChargeDeclined (hard decline).
type PayResult struct {
	Ref        string
	Status     string
	MethodID   string // the saved method, once paid with saving
	Card       string // «•••• 4444»
	Reason     string // provider's reason code of a decline
	ConfirmURL string
	Until      time.Time // when an invoice stops being payable (the invoice route)
}
