package schedules

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

var (
	fuzzSchemes = []Scheme{Equal, Full, Annuity, Differentiated}
	fuzzUnits   = []PeriodUnit{Day, Week, Month, Quarter, HalfYear, Year}
)

func FuzzBuild(f *testing.F) {
	f.Add(int64(1006000), 7, uint8(2), uint8(1), 30, uint8(0), uint16(0), uint16(0), false)
	f.Add(int64(10000000), 12, uint8(2), uint8(1), 59, uint8(2), uint16(2500), uint16(1200), true)
	f.Add(int64(1), 1, uint8(0), uint8(3), 400, uint8(3), uint16(0), uint16(9999), true)
	f.Add(int64(100000000000000), 600, uint8(5), uint8(12), 1154, uint8(2), uint16(9999), uint16(65535), false)
	f.Add(int64(601), 600, uint8(1), uint8(1), 360, uint8(2), uint16(100), uint16(60000), true)
	f.Fuzz(func(t *testing.T, totalUnits int64, count int, unit, every uint8, day int, scheme uint8, downBp, rateBp uint16, business bool) {
		p := Plan{
			Scheme:       fuzzSchemes[int(scheme)%len(fuzzSchemes)],
			Total:        fromUnits(totalUnits, 2),
			Currency:     "RUB",
			Count:        count,
			Period:       Period{fuzzUnits[int(unit)%len(fuzzUnits)], int(every)},
			First:        NewDate(2024, 1, 1).AddDays(day % 5000),
			AnnualRate:   decimal.New(int64(rateBp), -2),
			BusinessDays: business,
		}
		if downBp%3 == 1 {
			p.Down.Percent = decimal.New(int64(downBp), -2)
		}
		s, err := Build(p)
		if err != nil {
			var es ValidationErrors
			require.True(t, errors.As(err, &es), "not a validation error: %v", err)
			return
		}
		requireScheduleInvariants(t, p, s)
		requireSameAsDecimalBuild(t, p)
	})
}

func FuzzCustomPercent(f *testing.F) {
	f.Add(int64(1006000), []byte{30, 70})
	f.Add(int64(1), []byte{1})
	f.Add(int64(7), []byte{1, 1, 1, 1, 1, 1, 1, 1})
	f.Add(int64(99999), []byte{3, 3, 3, 200, 9})
	f.Fuzz(func(t *testing.T, totalUnits int64, weights []byte) {
		if len(weights) == 0 || len(weights) > MaxCount {
			return
		}
		rows := percentRows(weights)
		p := Plan{Scheme: Custom, Total: fromUnits(totalUnits, 2), Currency: "RUB", Rows: rows}
		s, err := Build(p)
		if err != nil {
			var es ValidationErrors
			require.ErrorAs(t, err, &es)
			return
		}
		requireScheduleInvariants(t, p, s)
	})
}

// percentRows turns byte weights into rows whose percentages add up to 100.
func percentRows(weights []byte) []Row {
	sum := 0
	for _, w := range weights {
		sum += int(w) + 1
	}
	rows := make([]Row, len(weights))
	left := decimal.NewFromInt(100)
	for i, w := range weights {
		pct := decimal.NewFromInt(int64(w)+1).Mul(hundred).DivRound(decimal.NewFromInt(int64(sum)), 6)
		if i == len(weights)-1 {
			pct = left
		}
		left = left.Sub(pct)
		rows[i] = Row{Due: NewDate(2025, 1, 31).AddMonthsClamped(i), Percent: pct}
	}
	return rows
}

func requireScheduleInvariants(t *testing.T, p Plan, s Schedule) {
	t.Helper()
	require.NotEmpty(t, s.Payments)
	for i, pay := range s.Payments {
		require.Positive(t, pay.AmountMinor, "payment %d", i+1)
		require.True(t, pay.Due.Valid())
		if i > 0 {
			require.True(t, pay.Due.After(s.Payments[i-1].Due), "date %d %s not after %s", i+1, pay.Due, s.Payments[i-1].Due)
		}
		if p.BusinessDays {
			require.True(t, IsWorkingDay(pay.Due), "date %s is not a working day", pay.Due)
		}
	}
	if s.HasInterest() {
		requireInterestRows(t, s, p.Total)
		return
	}
	require.True(t, s.Payable().Equal(p.Total), "payments sum %s, total %s", s.Payable(), p.Total)
	if p.Scheme == Equal {
		requireEqualParts(t, s)
	}
}

// requireEqualParts: instalments differ by at most one kopeck, larger first.
func requireEqualParts(t *testing.T, s Schedule) {
	t.Helper()
	prev := int64(-1)
	for _, pay := range s.Payments {
		if pay.Kind != KindInstalment {
			continue
		}
		if prev >= 0 {
			require.Contains(t, []int64{0, 1}, prev-pay.AmountMinor, "parts %d then %d", prev, pay.AmountMinor)
		}
		prev = pay.AmountMinor
	}
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte{3, 100, 20, 1, 7, 22, 2, 33, 10, 1, 1, 255}, 3)
	f.Add([]byte{1, 1, 20}, 1)
	f.Add([]byte{1, 1, 20, 1, 1, 22, 1, 1, 10}, 2)
	f.Add([]byte{200, 250, 22, 199, 251, 20, 7, 13, 10}, 600)
	f.Fuzz(func(t *testing.T, spec []byte, parts int) {
		inv := fuzzInvoice(spec)
		got, err := Split(inv, parts, NewDate(2025, 1, 31), Period{Month, 1})
		if err != nil {
			var es ValidationErrors
			require.ErrorAs(t, err, &es)
			return
		}
		require.Len(t, got, parts)
		for k := 1; k < len(got); k++ {
			require.True(t, got[k].Due.After(got[k-1].Due))
		}
		requireSplitSums(t, inv, got)
	})
}

// fuzzInvoice reads lines as triples: quantity, price in kopecks scaled, VAT selector.
func fuzzInvoice(spec []byte) Invoice {
	rates := []VATRate{VATNone, VAT0, VAT10, VAT20, VAT22}
	inv := Invoice{Currency: "RUB"}
	for i := 0; i+2 < len(spec) && len(inv.Lines) < 50; i += 3 {
		inv.Lines = append(inv.Lines, Line{
			Name:     string(rune('a' + len(inv.Lines))),
			Quantity: decimal.New(int64(spec[i])+1, -1),
			Price:    decimal.New(int64(spec[i+1])*int64(spec[i+1])*37+1, -2),
			VAT:      rates[int(spec[i+2])%len(rates)],
		})
	}
	return inv
}

func FuzzAllocate(f *testing.F) {
	f.Add([]byte{100, 100, 100}, []byte{0, 50, 0}, int64(15000))
	f.Add([]byte{1}, []byte{0}, int64(1000000))
	f.Add([]byte{}, []byte{}, int64(5))
	f.Fuzz(func(t *testing.T, amounts, paid []byte, payment int64) {
		var open []Open
		owed := decimal.Zero
		for i, a := range amounts {
			o := Open{Seq: i + 1, Due: NewDate(2025, 1, 1).AddDays(int(a) % 7 * 30), Amount: fromUnits(int64(a)*100, 2)}
			if i < len(paid) {
				o.Paid = fromUnits(int64(paid[i])*100, 2)
			}
			owed = owed.Add(o.Outstanding())
			open = append(open, o)
		}
		pay := fromUnits(payment, 2)
		a := Allocate(open, pay)
		received := decimal.Zero
		for _, ap := range a.Applied {
			require.True(t, ap.Received.IsPositive())
			require.False(t, ap.Outstanding.IsNegative())
			require.Equal(t, ap.Outstanding.IsZero(), ap.Status == StatusPaid)
			received = received.Add(ap.Received)
		}
		if pay.IsPositive() {
			require.True(t, received.Add(a.Overpayment).Equal(pay))
			require.True(t, received.Equal(decimal.Min(pay, owed)))
		} else {
			require.Empty(t, a.Applied)
		}
	})
}

func FuzzRebalance(f *testing.F) {
	f.Add(int64(1006000), 7, 3, int64(500000), uint8(1))
	f.Add(int64(700), 7, 7, int64(1), uint8(0))
	f.Add(int64(700), 7, 1, int64(694), uint8(6))
	f.Fuzz(func(t *testing.T, totalUnits int64, n, seq int, amountUnits int64, paidCount uint8) {
		if n < 1 || n > 60 || totalUnits < int64(n) || totalUnits > 1e14 {
			return
		}
		var items []Open
		for i, a := range spreadEqual(fromUnits(totalUnits, 2), n, 2) {
			o := Open{Seq: i + 1, Due: NewDate(2025, 1, 31).AddMonthsClamped(i), Amount: a}
			if i < int(paidCount)%n {
				o.Paid = a
			}
			items = append(items, o)
		}
		got, err := Rebalance(items, Edit{Seq: seq, Amount: fromUnits(amountUnits, 2)}, "RUB")
		if err != nil {
			var es ValidationErrors
			require.ErrorAs(t, err, &es)
			return
		}
		sum := decimal.Zero
		for i, o := range got {
			require.True(t, o.Amount.IsPositive())
			require.True(t, o.Amount.Equal(items[i].Amount) || o.Paid.IsZero(), "paid instalment %d changed", o.Seq)
			sum = sum.Add(o.Amount)
		}
		require.True(t, sum.Equal(fromUnits(totalUnits, 2)))
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-31", "2024-02-29", "2025-02-29", "0000-01-01", "9999-12-31", "2025-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		require.Equal(t, s, d.String())
		require.True(t, d.Valid())
	})
}
