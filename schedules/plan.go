package schedules

import "github.com/shopspring/decimal"

// Scheme is how a plan spreads its total over time.
type Scheme string

// Plan schemes.
const (
	Equal          Scheme = "equal"          // total minus down payment in N equal parts
	Full           Scheme = "full"           // the whole total on the first date
	Custom         Scheme = "custom"         // explicit rows: date + amount or percentage
	Annuity        Scheme = "annuity"        // equal payments of principal + interest
	Differentiated Scheme = "differentiated" // equal principal, falling interest
)

// Limits on plan input.
var (
	MinTotal   = decimal.New(1, -2) // 0.01
	MaxTotal   = decimal.New(1, 12) // 1 000 000 000 000
	MaxRate    = decimal.NewFromInt(1000)
	MaxCount   = 600
	maxPercent = decimal.NewFromInt(100)
)

// DownPayment is paid on its own Due date, and the instalments start on the
// plan's First date. Without a Due it is paid on First and the instalments
// start one period later. Give an Amount or a Percent of the total, not both;
// the zero value means no down payment.
type DownPayment struct {
	Amount  decimal.Decimal `json:"amount"`
	Percent decimal.Decimal `json:"percent"`
	Due     Date            `json:"due"` // not after First; zero: on First
}

// IsZero reports whether there is no down payment.
func (d DownPayment) IsZero() bool { return d.Amount.IsZero() && d.Percent.IsZero() }

// Row is one row of a custom plan: a due date and either an amount or a
// percentage of the total.
type Row struct {
	Due     Date            `json:"due"`
	Amount  decimal.Decimal `json:"amount"`
	Percent decimal.Decimal `json:"percent"`
}

// Plan is everything a manager enters to build a schedule.
type Plan struct {
	Scheme   Scheme          `json:"scheme"`
	Total    decimal.Decimal `json:"total"`
	Currency string          `json:"currency"`
	Down     DownPayment     `json:"down"`
	// Count or Term (not both) give the number of instalments after the down
	// payment; used by equal, annuity and differentiated plans.
	Count  int    `json:"count"`
	Term   Term   `json:"term"`
	Period Period `json:"period"`
	// First is the first due date: of the down payment if there is one
	// without its own Due, otherwise of the first instalment. It is the
	// anchor for all instalment dates.
	First Date  `json:"first"`
	Rows  []Row `json:"rows"` // custom plans only
	// AnnualRate is the yearly interest rate in percent (12.5 = 12.5 %),
	// annuity and differentiated plans only.
	AnnualRate decimal.Decimal `json:"annual_rate"`
	// BusinessDays moves due dates off weekends and Russian holidays.
	BusinessDays bool `json:"business_days"`
	// Calendar is the holiday calendar for BusinessDays; nil means Russia.
	// The app sets it (with the portal's own decree transfers); it is never
	// read from or written to JSON.
	Calendar *Calendar `json:"-"`
}

func (p Plan) calendar() *Calendar {
	if p.Calendar != nil {
		return p.Calendar
	}
	return Russia
}

func (s Scheme) valid() bool {
	switch s {
	case Equal, Full, Custom, Annuity, Differentiated:
		return true
	}
	return false
}

func (s Scheme) hasInterest() bool { return s == Annuity || s == Differentiated }

func (s Scheme) periodic() bool { return s == Equal || s.hasInterest() }
