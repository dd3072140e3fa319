package subscriptions

import "fmt"

// Subscription statuses.
const (
	StatusAwaitingConsent = "awaiting_consent" // created by a manager; the client has not agreed yet
	StatusActive          = "active"
	StatusPastDue         = "past_due" // a charge failed; dunning retries are scheduled
	StatusPaused          = "paused"
	StatusSuspended       = "suspended" // dunning ran out; nothing is charged until the card is replaced
	StatusCancelled       = "cancelled"
	StatusEnded           = "ended" // the last agreed charge was made or the end date passed
)

// subscriptionMoves is the subscription state machine; anything not listed is illegal.
var subscriptionMoves = map[string][]string{
	StatusAwaitingConsent: {StatusActive, StatusCancelled},
	StatusActive:          {StatusPastDue, StatusPaused, StatusCancelled, StatusEnded, StatusSuspended},
	StatusPastDue:         {StatusActive, StatusSuspended, StatusCancelled, StatusEnded},
	StatusPaused:          {StatusActive, StatusCancelled, StatusPastDue, StatusEnded},
	StatusSuspended:       {StatusActive, StatusCancelled},
}

// Charge statuses.
const (
	ChargePending   = "pending"   // committed; the gateway is (being) asked
	ChargeUnknown   = "unknown"   // the gateway's answer was lost: look it up before anything else
	ChargeSucceeded = "succeeded" //
	ChargeFailed    = "failed"    // a soft decline; dunning tries again with a new attempt number
	ChargeDeclined  = "declined"  // a hard decline: not retried with the same card
	ChargeVoid      = "void"      // given up: the subscription was cancelled or suspended
)

var chargeMoves = map[string][]string{
	ChargePending:  {ChargeSucceeded, ChargeFailed, ChargeDeclined, ChargeUnknown, ChargeVoid},
	ChargeUnknown:  {ChargePending, ChargeSucceeded, ChargeFailed, ChargeDeclined},
	ChargeFailed:   {ChargePending, ChargeVoid, ChargeSucceeded},
	ChargeDeclined: {ChargePending, ChargeVoid},
	// Money that arrives for an invoice we had closed (expired, or its subscription cancelled) is
	// still booked: the provider's word wins, as for billing's payments. Only the invoice route
	// has money arrive on its own; a card or SBP debit is only ever made by us.
	ChargeVoid: {ChargeSucceeded},
}

func canMove(machine map[string][]string, from, to string) bool {
	for _, s := range machine[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CanMoveSubscription tells whether a subscription may go from one status to another.
func CanMoveSubscription(from, to string) bool { return canMove(subscriptionMoves, from, to) }

// CanMoveCharge tells whether a charge may go from one status to another.
func CanMoveCharge(from, to string) bool { return canMove(chargeMoves, from, to) }

func (s *Subscription) moveTo(to string) error {
	if !CanMoveSubscription(s.Status, to) {
		return fmt.Errorf("%w: subscription %d %s → %s", ErrIllegalTransition, s.ID, s.Status, to)
	}
	s.Status = to
	return nil
}

func (c *Charge) moveTo(to string) error {
	if !CanMoveCharge(c.Status, to) {
		return fmt.Errorf("%w: charge %s %s → %s", ErrIllegalTransition, c.ID, c.Status, to)
	}
	c.Status = to
	return nil
}
