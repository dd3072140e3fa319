package subscriptions

import (
	"time"

	"b24pay/schedules"
)

// End kinds of a subscription.
const (
	EndOpen  = "open"  // until cancelled
	EndCount = "count" // after EndCount successful charges
	EndDate  = "date"  // no charge for a period starting after EndDate
)

// Routes of a subscription.
const (
	RouteCard       = "card"       // YooKassa: first payment saves the card, later charges use it
	RouteSBP        = "sbp"        // SBP account binding (bank-side enablement)
	RouteInvoicebox = "invoicebox" // a B2B invoice each period
)

// Charge kinds.
const (
	KindFirst     = "first"     // customer-initiated, saves the card
	KindRecurring = "recurring" // merchant-initiated with the saved card
)

// Subscription is one client's agreement to pay Amount every Period from Anchor.
type Subscription struct {
	ID                int64
	MemberID          string
	ClientID          int64
	DealID            int64
	ManagerID         int64
	Title             string
	Email             string
	AmountMinor       int64
	FirstAmountMinor  *int64
	Currency          string
	PeriodUnit        string
	PeriodEvery       int
	Anchor            string // YYYY-MM-DD: the n-th period starts at anchor + n × period
	EndKind           string
	EndCount          int
	EndDate           string
	Route             string
	Status            string
	Seq               int    // the next period to bill (0 = the first payment)
	NextChargeOn      string // YYYY-MM-DD: when RunDue next acts (period start or dunning retry)
	PaidCount         int
	PaidMinor         int64
	PaymentMethodID   string
	CardTitle         string
	PauseFrom         string
	PauseUntil        string
	CancelAtPeriodEnd bool
	DunningStep       int // failed attempts of the current period
	PayToken          string
	B24ItemID         int64 `gorm:"column:b24_item_id"`
	LeaseUntil        *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`
	EndedAt           *time.Time

	// ConsentedMinor is the most the client agreed to be charged for one period; no charge is
	// ever made above it.
	ConsentedMinor int64
	// NextAmountMinor is a changed amount that applies from period NextAmountFromSeq on, once
	// NextAmountConsented (a change above ConsentedMinor waits for the client's new consent).
	NextAmountMinor     *int64
	NextAmountFromSeq   int
	NextAmountConsented bool
}

// TableName maps Subscription to its table.
func (Subscription) TableName() string { return "subscriptions" }

// Period is the subscription's period.
func (s Subscription) Period() schedules.Period {
	return schedules.Period{Unit: schedules.PeriodUnit(s.PeriodUnit), Every: s.PeriodEvery}
}

// PeriodStart is the start date of period n, always counted from the anchor.
func (s Subscription) PeriodStart(n int) schedules.Date {
	anchor, _ := schedules.ParseDate(s.Anchor) // validated on create
	return s.Period().Nth(anchor, n)
}

// amountFor is what period n costs: the first-period amount for n = 0 when set, a changed amount
// from the period it applies from once agreed.
func (s Subscription) amountFor(n int) int64 {
	switch {
	case n == 0 && s.FirstAmountMinor != nil:
		return *s.FirstAmountMinor
	case s.NextAmountMinor != nil && s.NextAmountConsented && n >= s.NextAmountFromSeq:
		return *s.NextAmountMinor
	}
	return s.AmountMinor
}

// finishedAfter tells whether no period from n on may be charged under the terms.
func (s Subscription) finishedAfter(n int) bool {
	switch s.EndKind {
	case EndCount:
		return n >= s.EndCount
	case EndDate:
		end, _ := schedules.ParseDate(s.EndDate)
		return s.PeriodStart(n).After(end)
	}
	return false
}

// Consent is the client's agreement to the terms, as shown to them.
type Consent struct {
	ID             int64
	SubscriptionID int64
	MemberID       string
	TextVersion    string
	AcceptedAt     time.Time
	IP             string `gorm:"column:ip"`
	UserAgent      string
	Terms          string // JSON snapshot of Terms
}

// TableName maps Consent to its table.
func (Consent) TableName() string { return "subscription_consents" }

// Terms is what the client agrees to; a snapshot is stored with the consent.
type Terms struct {
	Merchant    string `json:"merchant"`
	Title       string `json:"title"`
	Amount      string `json:"amount"`
	FirstAmount string `json:"first_amount,omitempty"`
	Currency    string `json:"currency"`
	Period      string `json:"period"`
	Anchor      string `json:"anchor"`
	End         string `json:"end"`
	Route       string `json:"route"`
	HowToCancel string `json:"how_to_cancel"`
	AmountRule  string `json:"amount_change"`
}

// Charge is one period's payment; unique per (subscription, period start).
type Charge struct {
	ID             string // "sc-<subscription>-<seq>"; with the attempt it is the idempotency key
	SubscriptionID int64
	MemberID       string
	Kind           string
	Seq            int
	PeriodStart    string
	AmountMinor    int64
	Currency       string
	Status         string
	Attempt        int
	// CustomerInitiated: this attempt is paid by the client on the gateway's page, saving the card
	// (the first payment, or a recovery with a new card); otherwise the saved card is charged.
	CustomerInitiated bool
	// Route is the route the current attempt is paid on: the subscription's, or the target of a
	// switch of route (a customer-initiated payment that moves the subscription to Route once paid).
	Route string
	// ReturnURL is where a customer-initiated attempt sends the client back; "" is the
	// subscription's page.
	ReturnURL     string
	ProviderRef   string
	PayURL        string
	DeclineReason string
	NextAttemptOn string
	AttemptedAt   *time.Time
	// RefundedMinor is what was returned of the charge, pending refunds included (reserved).
	RefundedMinor int64
	// PaidMinor is the money booked on the charge: its amount once a debit succeeds; on the invoice
	// route what billing booked on its invoices, which may be a part (the period stays owed for the
	// rest, see OwedMinor) or more than the amount (an overpayment, kept).
	PaidMinor int64
	CreatedAt time.Time
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
	SettledAt *time.Time
}

// TableName maps Charge to its table.
func (Charge) TableName() string { return "subscription_charges" }
