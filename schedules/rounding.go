package schedules

import "github.com/shopspring/decimal"

// The rounding rule of b24pay, in one place.
//
//  1. Amounts are rounded half-up (away from zero at exactly half a minor
//     unit; all amounts here are positive) to the currency's minor units:
//     roundMinor. This applies to VAT (gross*r/(100+r)), interest per row,
//     the annuity payment, a percentage of a total, and line totals
//     (quantity × unit price).
//  2. Splitting an amount into n parts never rounds the parts independently:
//     the amount is counted in minor units, every part gets the floor of
//     units/n and the remaining units go one each to the earliest parts
//     (spreadEqual). Parts therefore differ by at most one minor unit and add
//     up exactly: 10 060,00 in 7 → 1 437,15 ×2, then 1 437,14 ×5.
//  3. Splitting by weights (percentages) gives every part the floor of its
//     exact share and hands the leftover units, one each, to the earliest
//     parts (spreadWeighted) — the same "earliest get the extra" rule.

// precision is the number of decimal places kept in intermediate results
// (rates, powers) before the final rounding to minor units.
const precision = 28

var hundred = decimal.NewFromInt(100)

func roundMinor(d decimal.Decimal, minor int32) decimal.Decimal { return d.Round(minor) }

// units converts an amount that fits the currency into an integer count of
// minor units.
func units(d decimal.Decimal, minor int32) int64 { return d.Shift(minor).IntPart() }

func fromUnits(u int64, minor int32) decimal.Decimal { return decimal.New(u, -minor) }

// spreadEqual splits total (a whole number of minor units) into n parts by
// rule 2.
func spreadEqual(total decimal.Decimal, n int, minor int32) []decimal.Decimal {
	u := units(total, minor)
	base, extra := u/int64(n), u%int64(n)
	out := make([]decimal.Decimal, n)
	for i := range out {
		p := base
		if int64(i) < extra {
			p++
		}
		out[i] = fromUnits(p, minor)
	}
	return out
}

// spreadWeighted splits total into parts proportional to weights (which need
// not be normalised) by rule 3.
func spreadWeighted(total decimal.Decimal, weights []decimal.Decimal, minor int32) []decimal.Decimal {
	sum := decimal.Sum(decimal.Zero, weights...)
	u := units(total, minor)
	out := make([]decimal.Decimal, len(weights))
	var given int64
	for i, w := range weights {
		q, _ := decimal.NewFromInt(u).Mul(w).QuoRem(sum, 0)
		share := q.IntPart()
		out[i] = fromUnits(share, minor)
		given += share
	}
	for i := 0; given < u; i = (i + 1) % len(out) {
		out[i] = out[i].Add(fromUnits(1, minor))
		given++
	}
	return out
}
