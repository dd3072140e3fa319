package schedules

import (
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Kind tells a down payment from an instalment.
type Kind string

// Payment kinds.
const (
	KindDownPayment Kind = "down_payment"
	KindInstalment  Kind = "instalment"
)

// Payment is one row of a schedule, its amounts in the currency's minor units
// (kopecks; Currency.FromMinor gives the decimal). Principal is set for
// periodic plans (equal: the amount); Interest and Remaining for annuity and
// differentiated plans: Amount = Principal + Interest, and Remaining is the
// principal still owed after this payment (0 after the last one).
type Payment struct {
	N              int
	Due            Date
	Kind           Kind
	AmountMinor    int64
	PrincipalMinor int64
	InterestMinor  int64
	RemainingMinor int64
	// ShiftedFrom is the nominal due date when BusinessDays moved it to a
	// working day (zero otherwise), and ShiftReason says why.
	ShiftedFrom Date
	ShiftReason ShiftReason
}

// Schedule is a built plan: payments numbered from 1 with strictly
// increasing due dates.
type Schedule struct {
	Scheme   Scheme
	Currency Currency
	Total    decimal.Decimal // the plan's total (principal)
	Interest decimal.Decimal // total interest; zero unless HasInterest
	Payments []Payment
}

// HasInterest reports whether rows carry principal, interest and remaining.
func (s Schedule) HasInterest() bool { return s.Scheme.hasInterest() }

// Payable is the sum of all payments: Total plus Interest.
func (s Schedule) Payable() decimal.Decimal {
	var sum int64
	for _, p := range s.Payments {
		sum += p.AmountMinor
	}
	return s.Currency.FromMinor(sum)
}

type paymentJSON struct {
	N         int    `json:"n"`
	Due       Date   `json:"due"`
	Amount    string `json:"amount"`
	Kind      Kind   `json:"kind"`
	Principal string `json:"principal,omitempty"`
	Interest  string `json:"interest,omitempty"`
	Remaining string `json:"remaining,omitempty"`
	// shifted_from, shift_reason and shift_note (Russian) are set on moved dates.
	ShiftedFrom string      `json:"shifted_from,omitempty"`
	ShiftReason ShiftReason `json:"shift_reason,omitempty"`
	ShiftNote   string      `json:"shift_note,omitempty"`
}

type scheduleJSON struct {
	Scheme   Scheme        `json:"scheme"`
	Currency string        `json:"currency"`
	Total    string        `json:"total"`
	Interest string        `json:"interest,omitempty"`
	Payments []paymentJSON `json:"payments"`
}

// MarshalJSON writes amounts as strings with the currency's minor digits:
// {"currency":"RUB","total":"10060.00","payments":[{"n":1,"due":"2025-01-31",
// "amount":"1437.15","kind":"instalment"}]}; interest plans add principal,
// interest and remaining to every row.
func (s Schedule) MarshalJSON() ([]byte, error) {
	c := s.Currency
	plain := func(u int64) string { return c.Plain(c.FromMinor(u)) }
	out := scheduleJSON{Scheme: s.Scheme, Currency: c.Code, Total: c.Plain(s.Total), Payments: make([]paymentJSON, len(s.Payments))}
	if s.HasInterest() {
		out.Interest = c.Plain(s.Interest)
	}
	for i, p := range s.Payments {
		row := paymentJSON{N: p.N, Due: p.Due, Amount: plain(p.AmountMinor), Kind: p.Kind, ShiftReason: p.ShiftReason, ShiftNote: p.ShiftNoteRU()}
		if !p.ShiftedFrom.IsZero() {
			row.ShiftedFrom = p.ShiftedFrom.String()
		}
		if s.HasInterest() {
			row.Principal, row.Interest, row.Remaining = plain(p.PrincipalMinor), plain(p.InterestMinor), plain(p.RemainingMinor)
		}
		out.Payments[i] = row
	}
	return json.Marshal(out)
}
