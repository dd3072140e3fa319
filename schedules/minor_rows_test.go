package schedules

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Issue 12: rows in minor units are the decimal rows of 5b23009 (oracleBuild),
// kopeck for kopeck, over random plans of every scheme: interest plans drawn
// like the exact-interest test (a third aimed at a half-kopeck tie in the
// first row), down payments, business days, currencies with 0, 2 and 3 minor
// digits.
func TestBuildMatchesTheDecimalBuild(t *testing.T) {
	t.Parallel()
	const plans = 4_000
	rng := rand.New(rand.NewPCG(12, 360))
	built, ties := 0, 0
	for range plans {
		p := randomPlan(rng)
		if !requireSameAsDecimalBuild(t, p) {
			continue
		}
		built++
		if firstRowTies(p) {
			ties++
		}
	}
	t.Logf("%d of %d plans built and equal to the decimal build, %d of them with a half-kopeck tie", built, plans, ties)
	require.Greater(t, built, plans*8/10)
	require.Greater(t, ties, plans/20, "the generator must hit half-kopeck ties")
}

// firstRowTies tells whether the first instalment's interest of an interest
// plan without a down payment is exactly half a minor unit before rounding.
func firstRowTies(p Plan) bool {
	if !p.Scheme.hasInterest() || !p.Down.IsZero() {
		return false
	}
	cur, _ := LookupCurrency(p.Currency)
	r := p.Period.rate(p.AnnualRate)
	x := new(big.Int).Mul(big.NewInt(units(p.Total, cur.Minor)), r.num)
	return x.Lsh(x.Mod(x, r.den), 1).Cmp(r.den) == 0
}

// requireSameAsDecimalBuild builds p both ways and reports whether it was valid.
func requireSameAsDecimalBuild(t *testing.T, p Plan) bool {
	t.Helper()
	want, werr := oracleBuild(p)
	got, gerr := Build(p)
	require.Equal(t, werr, gerr, "plan %+v", p)
	if gerr != nil {
		return false
	}
	m := got.Currency.Minor
	require.True(t, want.Total.Equal(got.Total), "plan %+v", p)
	require.True(t, want.Interest.Equal(got.Interest), "plan %+v: interest %s, want %s", p, got.Interest, want.Interest)
	wrows := make([]Payment, len(want.Payments))
	for i, w := range want.Payments {
		wrows[i] = Payment{N: w.N, Due: w.Due, Kind: w.Kind, AmountMinor: exactUnits(t, w.Amount, m),
			PrincipalMinor: exactUnits(t, w.Principal, m), InterestMinor: exactUnits(t, w.Interest, m),
			RemainingMinor: exactUnits(t, w.Remaining, m), ShiftedFrom: w.ShiftedFrom, ShiftReason: w.ShiftReason}
	}
	require.Equal(t, wrows, got.Payments, "plan %+v", p)
	return true
}

// exactUnits is d in minor units; d must be a whole number of them.
func exactUnits(t *testing.T, d decimal.Decimal, minor int32) int64 {
	u := units(d, minor)
	require.True(t, fromUnits(u, minor).Equal(d), "%s is not in minor units", d)
	return u
}

// randomPlan draws a plan of any scheme.
func randomPlan(rng *rand.Rand) Plan {
	var p Plan
	switch rng.IntN(5) {
	case 0, 1:
		p = randomInterestPlan(rng)
	case 2:
		p = Plan{Scheme: Equal, Count: 1 + rng.IntN(MaxCount), Period: Period{fuzzUnits[rng.IntN(len(fuzzUnits))], 1 + rng.IntN(3)},
			Total: fromUnits(1+rng.Int64N(1_000_000_000_00), 2), First: NewDate(2024, 1, 1).AddDays(rng.IntN(4000))}
	case 3:
		p = Plan{Scheme: Full, Total: fromUnits(1+rng.Int64N(1_000_000_000_00), 2), First: NewDate(2024, 1, 1).AddDays(rng.IntN(4000))}
	default:
		weights := make([]byte, 1+rng.IntN(40))
		for i := range weights {
			weights[i] = byte(rng.IntN(256))
		}
		p = Plan{Scheme: Custom, Total: fromUnits(1+rng.Int64N(1_000_000_00), 2), Rows: percentRows(weights)}
	}
	p.Currency = "RUB"
	switch k := rng.IntN(10); {
	case k == 0: // the same figures in yen: whole units
		p.Currency, p.Total = "JPY", p.Total.Shift(2)
	case k == 1: // in dinars: three minor digits
		p.Currency, p.Total = "KWD", p.Total.Shift(-1)
	}
	if p.Scheme.periodic() && p.Down.IsZero() && rng.IntN(4) == 0 {
		if rng.IntN(2) == 0 {
			p.Down.Percent = decimal.New(int64(1+rng.IntN(9000)), -2)
		} else {
			p.Down.Amount = p.Total.Mul(decimal.New(int64(1+rng.IntN(99)), -2)).Truncate(2)
		}
	}
	p.BusinessDays = rng.IntN(3) == 0
	return p
}
