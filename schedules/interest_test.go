package schedules

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The three examples of issue 21, as `b24pay schedule` flags: each has an
// interest of exactly half a kopeck that the written rule rounds up.
func TestInterestHalfKopeckRoundsUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		plan     Plan
		row      int // 1-based
		interest string
	}{
		{
			name: "Differentiated12000At39_79FromLeapDayRow2", // 11 400.00 × 39.79 / 1200 = 378.005
			plan: Plan{Scheme: Differentiated, Total: dec("12000.00"), Currency: "RUB", Count: 20, Period: monthly(),
				First: date(t, "2024-02-29"), AnnualRate: dec("39.79")},
			row: 2, interest: "378.01",
		},
		{
			name: "Differentiated6RoublesAtOnePercentOneMonth", // 6.00 × 1 / 1200 = 0.005
			plan: Plan{Scheme: Differentiated, Total: dec("6.00"), Currency: "RUB", Count: 1, Period: monthly(),
				First: date(t, "2025-01-31"), AnnualRate: dec("1")},
			row: 1, interest: "0.01",
		},
		{
			name: "Annuity1735_39At10SevenMonthsRow3",
			plan: Plan{Scheme: Annuity, Total: dec("1735.39"), Currency: "RUB", Count: 7, Period: monthly(),
				First: date(t, "2026-08-28"), AnnualRate: dec("10")},
			row: 3, interest: "10.42",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Build(tt.plan)
			require.NoError(t, err)
			require.Equal(t, tt.interest, plain(s.Payments[tt.row-1].InterestMinor))
			ref := referenceRows(tt.plan, tt.plan.Count, 2)
			require.Equal(t, tt.row-1, ref.firstTie, "the example is a half-kopeck tie")
			require.Equal(t, ref.rows, builtRows(s))
		})
	}
}

// TestInterestMatchesExactReference builds 100 000 seeded random annuity and
// differentiated plans, a third of them aimed at a half-kopeck tie in the
// first row, and compares every row with the exact reference. The code of
// 186f85a differs only where the reference met a tie first.
func TestInterestMatchesExactReference(t *testing.T) {
	t.Parallel()
	const plans, workers = 100_000, 4
	type tally struct{ built, rejected, ties, legacyChecked, legacyDiffs int }
	results := make(chan tally, workers)
	for w := range workers {
		go func() {
			rng := rand.New(rand.NewPCG(21, uint64(w)))
			var c tally
			for c.built < plans/workers {
				p := randomInterestPlan(rng)
				s, err := Build(p)
				if errors.Is(err, &ValidationError{Field: "total", Code: CodeTooSmall}) ||
					errors.Is(err, &ValidationError{Field: "total", Code: CodeOutOfRange}) {
					c.rejected++ // too small for its term and rate, or above MaxTotal with interest: nothing to compare
					continue
				}
				if err != nil {
					t.Errorf("plan %+v: %v", p, err)
					break
				}
				ref := referenceRows(p, p.count(), 2)
				got := builtRows(s)
				if !assertRowsEqual(t, p, ref.rows, got) {
					break
				}
				c.built++
				if ref.firstTie >= 0 {
					c.ties++
				}
				if c.built%4 != 0 {
					continue // the old code is slow: compare it on every fourth plan
				}
				c.legacyChecked++
				if legacy := legacyRows(p, p.Total.Sub(p.downAmount(s.Currency)), p.count(), 2); !equalRows(legacy, got) {
					c.legacyDiffs++
					if diff := firstDiff(legacy, got); ref.firstTie < 0 || ref.firstTie > diff {
						t.Errorf("186f85a differs at row %d without a tie before it: %+v", diff+1, p)
					}
				}
			}
			results <- c
		}()
	}
	var sum tally
	for range workers {
		c := <-results
		sum.built, sum.rejected, sum.ties = sum.built+c.built, sum.rejected+c.rejected, sum.ties+c.ties
		sum.legacyChecked, sum.legacyDiffs = sum.legacyChecked+c.legacyChecked, sum.legacyDiffs+c.legacyDiffs
	}
	t.Logf("%d plans built and equal to the reference (%d drawn plans refused as too small or too large); %d with a half-kopeck tie; "+
		"the code of 186f85a differed on %d of %d", sum.built, sum.rejected, sum.ties, sum.legacyDiffs, sum.legacyChecked)
	require.Equal(t, plans, sum.built)
	require.Less(t, sum.rejected, plans/10)
	require.Greater(t, sum.ties, plans/5, "the generator must hit half-kopeck ties")
}

func assertRowsEqual(t *testing.T, p Plan, want, got []refRow) bool {
	if equalRows(want, got) {
		return true
	}
	t.Errorf("plan %+v (rate %s): row %d is %+v, the exact rule gives %+v", p, p.AnnualRate, firstDiff(want, got)+1,
		got[firstDiff(want, got)], want[firstDiff(want, got)])
	return false
}

func equalRows(a, b []refRow) bool { return firstDiff(a, b) < 0 }

func firstDiff(a, b []refRow) int {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	return -1
}

// randomInterestPlan draws rates from the ones people type (whole and half
// percents, two decimals) and from rarer long ones, terms mostly short, and
// amounts over twelve orders of magnitude.
func randomInterestPlan(rng *rand.Rand) Plan {
	p := Plan{Scheme: Annuity, Currency: "RUB", Period: Period{Month, 1}, First: NewDate(2024, 1, 1).AddDays(rng.IntN(4000))}
	if rng.IntN(3) == 0 {
		p.Scheme = Differentiated
	}
	if rng.IntN(5) == 0 {
		p.Period = Period{fuzzUnits[rng.IntN(len(fuzzUnits))], 1 + rng.IntN(3)}
	}
	switch k := rng.IntN(20); {
	case k < 10:
		p.AnnualRate = decimal.New(int64(1+rng.IntN(80)), -1).Mul(decimal.NewFromInt(5)) // 0.5 … 40 in halves
	case k < 17:
		p.AnnualRate = decimal.New(int64(1+rng.IntN(9999)), -2)
	case k < 19:
		p.AnnualRate = decimal.New(int64(1+rng.IntN(99_999_999)), -6)
	default:
		p.AnnualRate = decimal.New(int64(1+rng.IntN(100_000)), -2) // up to 1000 %
	}
	switch k := rng.IntN(20); {
	case k < 14:
		p.Count = 1 + rng.IntN(24)
	case k < 19:
		p.Count = 25 + rng.IntN(96)
	default:
		p.Count = 121 + rng.IntN(480)
	}
	magnitude := int64(1)
	for range rng.IntN(14) {
		magnitude *= 10
	}
	units := p.Count + int(rng.Int64N(magnitude))
	if rng.IntN(3) == 0 {
		units = int(tieUnits(p.Period.rate(p.AnnualRate), int64(units)))
	} else if rng.IntN(4) == 0 && units >= 1_000_000 {
		p.Down.Percent = decimal.New(int64(100+rng.IntN(8900)), -2) // 1 % … 90 % of at least 10 000.00
	}
	p.Total = fromUnits(int64(units), 2)
	return p
}

// tieUnits returns a principal near u whose first interest is exactly half
// a kopeck: u·num ≡ den/2 (mod den), solvable when den is even.
func tieUnits(r periodRate, u int64) int64 {
	if r.den.Bit(0) != 0 || r.num.Sign() == 0 {
		return u
	}
	inv := new(big.Int).ModInverse(r.num, r.den)
	if inv == nil {
		return u
	}
	x := inv.Mul(inv, new(big.Int).Rsh(r.den, 1))
	x.Mod(x, r.den)
	base := new(big.Int).Sub(big.NewInt(u), new(big.Int).Mod(big.NewInt(u), r.den))
	x.Add(x, base)
	if !x.IsInt64() || x.Int64() < 1 {
		return u
	}
	return x.Int64()
}

// FuzzInterestExact compares Build with the exact reference; aim puts a
// half-kopeck tie in the first row.
func FuzzInterestExact(f *testing.F) {
	f.Add(int64(1200000), 20, uint8(2), uint8(1), uint32(3979), false, true)
	f.Add(int64(600), 1, uint8(2), uint8(1), uint32(100), false, true)
	f.Add(int64(173539), 7, uint8(2), uint8(1), uint32(1000), true, false)
	f.Add(int64(300000000), 360, uint8(2), uint8(1), uint32(1050), true, true)
	f.Add(int64(99999), 52, uint8(1), uint8(2), uint32(2550), true, true)
	f.Fuzz(func(t *testing.T, totalUnits int64, count int, unit, every uint8, rateBp uint32, annuity, aim bool) {
		p := Plan{Scheme: Differentiated, Currency: "RUB", Count: count, First: NewDate(2026, 8, 28),
			Period: Period{fuzzUnits[int(unit)%len(fuzzUnits)], int(every)}, AnnualRate: decimal.New(int64(rateBp%100_001), -2)}
		if annuity {
			p.Scheme = Annuity
		}
		if aim && p.Period.Valid() {
			totalUnits = tieUnits(p.Period.rate(p.AnnualRate), totalUnits)
		}
		p.Total = fromUnits(totalUnits, 2)
		s, err := Build(p)
		if err != nil {
			return
		}
		require.Equal(t, referenceRows(p, count, 2).rows, builtRows(s))
	})
}

// TestInterestLongRateUsesBigIntegers covers rates whose fraction does not
// fit in 64 bits.
func TestInterestLongRateUsesBigIntegers(t *testing.T) {
	t.Parallel()
	for _, rate := range []string{"12.3456789012345678901", "0.0000000000000000001", "99.9999999999999999999"} {
		p := Plan{Scheme: Annuity, Total: dec("1234567.89"), Currency: "RUB", Count: 36, Period: monthly(),
			First: date(t, "2025-01-31"), AnnualRate: dec(rate)}
		require.False(t, p.Period.rate(p.AnnualRate).small, rate)
		s, err := Build(p)
		require.NoError(t, err)
		require.Equal(t, referenceRows(p, 36, 2).rows, builtRows(s), rate)
	}
}

func TestInterestNegativeBalanceRoundsAwayFromZero(t *testing.T) {
	t.Parallel()
	r := Period{Month, 1}.rate(dec("1"))
	require.Equal(t, int64(1), r.interest(600))
	require.Equal(t, int64(-1), r.interest(-600))
	require.Equal(t, int64(0), r.interest(599))
}
