// Package billing moves money: payments of payables through providers, provider notifications
// stored before they are answered, reconciliation of outcomes we do not know, and refunds.
// A payment row is committed before any provider call and its id is the provider's order id,
// so a retry can always look the order up instead of creating a second one.
package billing

import (
	"errors"
	"fmt"
	"time"
)

// Payment statuses.
const (
	StatusPending           = "pending"
	StatusUnknown           = "unknown" // a create timed out: resolved by lookup before anything new
	StatusSucceeded         = "succeeded"
	StatusFailed            = "failed"
	StatusExpired           = "expired"
	StatusCancelled         = "cancelled"
	StatusPartiallyRefunded = "partially_refunded"
	StatusRefunded          = "refunded"
)

// transitions is the payment state machine; anything not listed is an illegal transition.
// Money that arrives for a payment we closed (failed, expired, cancelled) is still booked: the
// provider's word wins, so those may become succeeded. A refund the provider refuses releases its
// reservation, so refunded states may step back.
var transitions = map[string][]string{
	StatusPending:           {StatusSucceeded, StatusFailed, StatusExpired, StatusCancelled, StatusUnknown},
	StatusUnknown:           {StatusPending, StatusSucceeded, StatusFailed, StatusExpired, StatusCancelled},
	StatusFailed:            {StatusSucceeded},
	StatusExpired:           {StatusSucceeded},
	StatusCancelled:         {StatusSucceeded},
	StatusSucceeded:         {StatusPartiallyRefunded, StatusRefunded},
	StatusPartiallyRefunded: {StatusPartiallyRefunded, StatusRefunded, StatusSucceeded},
	StatusRefunded:          {StatusPartiallyRefunded, StatusSucceeded},
}

// ErrIllegalTransition is returned for a status change the state machine does not allow.
var ErrIllegalTransition = errors.New("billing: illegal payment status transition")

// CanMove tells whether a payment may go from one status to another.
func CanMove(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

func checkMove(from, to string) error {
	if !CanMove(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrIllegalTransition, from, to)
	}
	return nil
}

// Closed tells whether a payment was closed without money: a late payment may still arrive.
func Closed(status string) bool {
	return status == StatusFailed || status == StatusExpired || status == StatusCancelled
}

// Open tells whether a payment may still be paid (at most one per payable).
func Open(status string) bool { return status == StatusPending || status == StatusUnknown }

// Payment is one attempt to collect money for a payable through a provider.
type Payment struct {
	ID            string
	MemberID      string
	PayableKind   string
	PayableID     int64
	Provider      string
	ProviderRef   string
	AmountMinor   int64
	Currency      string
	PaidMinor     int64
	RefundedMinor int64
	Status        string
	PayURL        string
	Description   string
	PayToken      string
	ExpiresAt     *time.Time
	LastError     string
	CheckAttempts int
	NextCheckAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time `gorm:"autoUpdateTime:false"`
	SettledAt     *time.Time
}

// Notification is a provider's inbound notification, stored raw before it is answered.
type Notification struct {
	ID          int64
	Provider    string
	DedupKey    *string
	PaymentID   string
	Headers     string
	Body        string
	Status      string
	Result      string
	Attempts    int
	ReceivedAt  time.Time
	ProcessedAt *time.Time
}

// TableName maps Notification to its table.
func (Notification) TableName() string { return "payment_notifications" }

// Refund is one refund of a payment, with its own id at the provider.
type Refund struct {
	ID            string
	PaymentID     string
	MemberID      string
	AmountMinor   int64
	Status        string
	ProviderRef   string
	Reason        string
	RequestedBy   int64 // the Bitrix24 user who asked for it; 0 when not recorded
	LastError     string
	CheckAttempts int
	NextCheckAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time `gorm:"autoUpdateTime:false"`
}

// Refund statuses: pending until the provider has accepted or refused it.
const (
	RefundPending   = "pending"
	RefundSucceeded = "succeeded"
	RefundFailed    = "failed"
)
