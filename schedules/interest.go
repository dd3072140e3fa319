package schedules

import "github.com/shopspring/decimal"

// Interest maths for annuity and differentiated plans.
//
// Rate per period r (a fraction, not percent):
//   - month-based periods: r = annual / 100 / 12 × (months in the period ×
//     Every); monthly → annual/1200, quarterly → annual/400, yearly → annual/100;
//   - day and week periods: r = annual / 100 × days / 365 (actual/365, the
//     Russian consumer-credit convention), days = 1 or 7 × Every.
//
// Annuity payment A = P × r × (1+r)^n / ((1+r)^n − 1), rounded half-up to
// minor units. Row k: interest_k = round(remaining_{k−1} × r),
// principal_k = A − interest_k, remaining_k = remaining_{k−1} − principal_k.
// The last row pays all the remaining principal plus its interest, so it
// absorbs the rounding and remaining ends at exactly 0.00. With r = 0 the
// annuity is the equal plan.
//
// Differentiated: principal parts spread by the equal rule (earliest get the
// extra minor units), interest_k = round(remaining_{k−1} × r).
//
// Interest is per nominal period: moving a due date to a working day does not
// change the interest of that row.

var (
	monthsPerYearPct = decimal.NewFromInt(1200)
	daysPerYearPct   = decimal.NewFromInt(36500)
)

// rate is the interest rate per period as a fraction.
func (p Period) rate(annual decimal.Decimal) decimal.Decimal {
	if m := p.Unit.months(); m > 0 {
		return annual.Mul(decimal.NewFromInt(int64(m*p.Every))).DivRound(monthsPerYearPct, precision)
	}
	return annual.Mul(decimal.NewFromInt(int64(p.Unit.days()*p.Every))).DivRound(daysPerYearPct, precision)
}

// growth is (1+r)^n, keeping precision decimals at every step.
func growth(r decimal.Decimal, n int) decimal.Decimal {
	base, f := decimal.NewFromInt(1).Add(r), decimal.NewFromInt(1)
	for range n {
		f = f.Mul(base).Round(precision)
	}
	return f
}

// annuityPayment is the rounded equal payment for principal p over n periods.
func annuityPayment(p, r decimal.Decimal, n int, minor int32) decimal.Decimal {
	f := growth(r, n)
	return roundMinor(p.Mul(r).Mul(f).DivRound(f.Sub(decimal.NewFromInt(1)), precision), minor)
}

func annuityRows(principal, r decimal.Decimal, n int, minor int32) []Payment {
	pay := annuityPayment(principal, r, n, minor)
	rows := make([]Payment, n)
	left := principal
	for k := range rows {
		interest := roundMinor(left.Mul(r), minor)
		part := pay.Sub(interest)
		if k == n-1 {
			part = left
		}
		left = left.Sub(part)
		rows[k] = Payment{Amount: part.Add(interest), Principal: part, Interest: interest, Remaining: left}
	}
	return rows
}

func differentiatedRows(principal, r decimal.Decimal, n int, minor int32) []Payment {
	rows := make([]Payment, n)
	left := principal
	for k, part := range spreadEqual(principal, n, minor) {
		interest := roundMinor(left.Mul(r), minor)
		left = left.Sub(part)
		rows[k] = Payment{Amount: part.Add(interest), Principal: part, Interest: interest, Remaining: left}
	}
	return rows
}
