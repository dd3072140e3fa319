package schedules

import "github.com/shopspring/decimal"

// The interest code of 186f85a, kept to show that every row where it differs
// from the exact reference follows a half-kopeck tie (issue 21): it rounded
// the periodic rate to 28 decimals, so an exact half landed just below and
// rounded down.

func legacyRate(p Period, annual decimal.Decimal) decimal.Decimal {
	if m := p.Unit.months(); m > 0 {
		return annual.Mul(decimal.NewFromInt(int64(m*p.Every))).DivRound(decimal.NewFromInt(1200), precision)
	}
	return annual.Mul(decimal.NewFromInt(int64(p.Unit.days()*p.Every))).DivRound(decimal.NewFromInt(36500), precision)
}

func legacyAnnuityPayment(p, r decimal.Decimal, n int, minor int32) decimal.Decimal {
	base, f := decimal.NewFromInt(1).Add(r), decimal.NewFromInt(1)
	for range n {
		f = f.Mul(base).Round(precision)
	}
	return roundMinor(p.Mul(r).Mul(f).DivRound(f.Sub(decimal.NewFromInt(1)), precision), minor)
}

// legacyRows are the instalment rows in minor units, like referenceRows.
func legacyRows(p Plan, principal decimal.Decimal, n int, minor int32) []refRow {
	r := legacyRate(p.Period, p.AnnualRate)
	annuity := p.Scheme == Annuity && r.IsPositive()
	var pay decimal.Decimal
	var parts []decimal.Decimal
	if annuity {
		pay = legacyAnnuityPayment(principal, r, n, minor)
	} else {
		parts = spreadEqual(principal, n, minor)
	}
	out := make([]refRow, n)
	left := principal
	for k := range out {
		interest := roundMinor(left.Mul(r), minor)
		part := pay.Sub(interest)
		if !annuity {
			part = parts[k]
		}
		if k == n-1 {
			part = left
		}
		left = left.Sub(part)
		out[k] = refRow{units(part.Add(interest), minor), units(part, minor), units(interest, minor), units(left, minor)}
	}
	return out
}
