package schedules

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// Interest maths for annuity and differentiated plans, in exact integer
// arithmetic on minor units.
//
// Rate per period r, an exact fraction of the balance:
//   - month-based periods: r = annual × months / 1200 (months in the period ×
//     Every); monthly → annual/1200, quarterly → annual/400, yearly → annual/100;
//   - day and week periods: r = annual × days / 36500 (actual/365, the
//     Russian consumer-credit convention), days = 1 or 7 × Every.
//
// Interest of a row is balance × annual × months / 1200 (or × days / 36500)
// computed exactly, division last, and rounded once, half up: 11 400.00 at
// 39.79 % a year for one month is 378.005 → 378.01.
//
// Annuity payment A = P × r × (1+r)^n / ((1+r)^n − 1), computed exactly and
// rounded half up to minor units. Row k: interest_k = round(remaining_{k−1} × r),
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
	monthsPerYearPct = big.NewInt(1200)
	daysPerYearPct   = big.NewInt(36500)
)

// periodRate is the interest rate of one period as a reduced fraction
// num/den. n64 and d64 hold the same fraction when both fit in 64 bits, which
// is the case for every rate with up to 12 decimals.
type periodRate struct {
	num, den *big.Int
	n64, d64 uint64
	small    bool
}

// rate is the exact interest rate per period.
func (p Period) rate(annual decimal.Decimal) periodRate {
	num := new(big.Int).Set(annual.Coefficient())
	den := new(big.Int)
	if m := p.Unit.months(); m > 0 {
		num.Mul(num, big.NewInt(int64(m*p.Every)))
		den.Set(monthsPerYearPct)
	} else {
		num.Mul(num, big.NewInt(int64(p.Unit.days()*p.Every)))
		den.Set(daysPerYearPct)
	}
	if e := annual.Exponent(); e >= 0 {
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	} else {
		den.Mul(den, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil))
	}
	if num.Sign() != 0 {
		g := new(big.Int).GCD(nil, nil, num, den)
		num.Quo(num, g)
		den.Quo(den, g)
	}
	r := periodRate{num: num, den: den}
	if num.IsUint64() && den.IsUint64() {
		r.n64, r.d64, r.small = num.Uint64(), den.Uint64(), true
	}
	return r
}

func (r periodRate) positive() bool { return r.num.Sign() > 0 }

// interest is balance × r in minor units, rounded half away from zero.
func (r periodRate) interest(balance int64) int64 {
	neg := balance < 0
	abs := uint64(balance)
	if neg {
		abs = -abs
	}
	if r.small {
		hi, lo := bits.Mul64(abs, r.n64)
		if hi < r.d64 {
			q, rem := bits.Div64(hi, lo, r.d64)
			if rem >= r.d64-rem {
				q++
			}
			if neg {
				return -int64(q)
			}
			return int64(q)
		}
	}
	x := new(big.Int).Mul(new(big.Int).SetUint64(abs), r.num)
	q := roundQuo(x, r.den).Int64()
	if neg {
		return -q
	}
	return q
}

// roundQuo is x/y rounded half up, for x ≥ 0 and y > 0.
func roundQuo(x, y *big.Int) *big.Int {
	q, rem := new(big.Int).QuoRem(x, y, new(big.Int))
	if rem.Lsh(rem, 1).Cmp(y) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// annuityPayment is the equal payment for principal p (minor units) over n
// periods: with r = a/b, A = p·a·(a+b)^n / (b·((a+b)^n − b^n)), exact, the
// powers by repeated squaring, rounded once half up.
func annuityPayment(p int64, r periodRate, n int) int64 {
	exp := big.NewInt(int64(n))
	grown := new(big.Int).Exp(new(big.Int).Add(r.num, r.den), exp, nil)
	denom := new(big.Int).Sub(grown, new(big.Int).Exp(r.den, exp, nil))
	denom.Mul(denom, r.den)
	numer := grown.Mul(grown, r.num)
	numer.Mul(numer, big.NewInt(p))
	return roundQuo(numer, denom).Int64()
}

// unitRow is one instalment in minor units.
type unitRow struct{ principal, interest, remaining int64 }

func (u unitRow) amount() int64 { return u.principal + u.interest }

func annuityUnits(principal int64, r periodRate, n int) []unitRow {
	pay := annuityPayment(principal, r, n)
	rows := make([]unitRow, n)
	left := principal
	for k := range rows {
		interest := r.interest(left)
		part := pay - interest
		if k == n-1 {
			part = left
		}
		left -= part
		rows[k] = unitRow{principal: part, interest: interest, remaining: left}
	}
	return rows
}

func differentiatedUnits(principal int64, r periodRate, n int) []unitRow {
	rows := equalUnits(principal, n)
	left := principal
	for k := range rows {
		rows[k].interest = r.interest(left)
		left -= rows[k].principal
		rows[k].remaining = left
	}
	return rows
}

// equalUnits splits principal into n parts by rule 2 of rounding.go.
func equalUnits(principal int64, n int) []unitRow {
	base, extra := principal/int64(n), principal%int64(n)
	rows := make([]unitRow, n)
	for k := range rows {
		rows[k].principal = base
		if int64(k) < extra {
			rows[k].principal++
		}
	}
	return rows
}
