package schedules

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func mixedVATInvoice() Invoice {
	return Invoice{Currency: "RUB", Lines: []Line{
		{Name: "Консультация", Quantity: dec("3"), Price: dec("1000"), VAT: VAT20},
		{Name: "Лицензия", Quantity: dec("1"), Price: dec("1000.01"), VAT: VAT22},
		{Name: "Книга", Quantity: dec("2"), Price: dec("333.33"), VAT: VAT10},
		{Name: "Доставка", Quantity: dec("1"), Price: dec("100"), VAT: VATNone},
	}}
}

func TestSplitMixedVATRates(t *testing.T) {
	t.Parallel()
	inv := mixedVATInvoice()
	parts, err := Split(inv, 3, date(t, "2025-01-31"), monthly())
	require.NoError(t, err)
	require.Len(t, parts, 3)

	require.Equal(t, []string{"2025-01-31", "2025-02-28", "2025-03-31"},
		[]string{parts[0].Due.String(), parts[1].Due.String(), parts[2].Due.String()})
	for _, p := range parts {
		require.Equal(t, "1588.89", p.Total.StringFixed(2), "part %d", p.N)
	}
	// Консультация: gross 1000 per part, VAT 500.00 split as 166.67 / 166.66 / 166.67.
	requireDecimals(t, decs("166.67", "166.66", "166.67"),
		[]decimal.Decimal{parts[0].Lines[0].VAT, parts[1].Lines[0].VAT, parts[2].Lines[0].VAT})
	// Лицензия: 1000.01 → 333.34, 333.34, 333.33.
	requireDecimals(t, decs("333.34", "333.34", "333.33"),
		[]decimal.Decimal{parts[0].Lines[1].Amount, parts[1].Lines[1].Amount, parts[2].Lines[1].Amount})

	requireSplitSums(t, inv, parts)
	wantVAT := map[VATRate]string{VAT20: "500.00", VAT22: "180.33", VAT10: "60.61", VATNone: "0.00"}
	gotVAT := map[VATRate]decimal.Decimal{}
	for _, p := range parts {
		for _, l := range p.Lines {
			gotVAT[l.Rate] = gotVAT[l.Rate].Add(l.VAT)
		}
	}
	for r, w := range wantVAT {
		require.Equal(t, w, gotVAT[r].StringFixed(2), "rate %s", r)
	}
}

func TestSplitTinyLinesKeepPartsNonZero(t *testing.T) {
	t.Parallel()
	inv := Invoice{Currency: "RUB", Lines: []Line{
		{Name: "a", Quantity: dec("1"), Price: dec("0.01"), VAT: VAT20},
		{Name: "b", Quantity: dec("1"), Price: dec("0.01"), VAT: VAT20},
		{Name: "c", Quantity: dec("1"), Price: dec("0.01"), VAT: VAT20},
	}}
	parts, err := Split(inv, 2, date(t, "2025-01-31"), monthly())
	require.NoError(t, err)
	requireDecimals(t, decs("0.02", "0.01"), []decimal.Decimal{parts[0].Total, parts[1].Total})
	require.Len(t, parts[0].Lines, 2)
	require.Len(t, parts[1].Lines, 1)
	requireSplitSums(t, inv, parts)
}

func TestSplitOnePartIsTheInvoice(t *testing.T) {
	t.Parallel()
	inv := mixedVATInvoice()
	parts, err := Split(inv, 1, date(t, "2025-01-31"), monthly())
	require.NoError(t, err)
	require.Equal(t, "4766.67", parts[0].Total.StringFixed(2))
	require.Equal(t, "740.94", parts[0].VAT.StringFixed(2))
}

// requireSplitSums checks that per line, gross and VAT across parts add up
// to the original, that part totals are the sums of their lines, and that
// part totals differ by at most one kopeck with the earliest carrying more.
func requireSplitSums(t testing.TB, inv Invoice, parts []Part) {
	t.Helper()
	gross := make([]decimal.Decimal, len(inv.Lines))
	vat := make([]decimal.Decimal, len(inv.Lines))
	for _, p := range parts {
		total, pv := decimal.Zero, decimal.Zero
		for _, l := range p.Lines {
			i := lineIndex(inv, l.Name)
			require.True(t, l.Amount.IsPositive())
			require.False(t, l.VAT.IsNegative())
			gross[i], vat[i] = gross[i].Add(l.Amount), vat[i].Add(l.VAT)
			total, pv = total.Add(l.Amount), pv.Add(l.VAT)
		}
		require.True(t, total.Equal(p.Total), "part %d total", p.N)
		require.True(t, pv.Equal(p.VAT), "part %d vat", p.N)
		require.True(t, p.Total.IsPositive(), "part %d is empty", p.N)
		if p.N > 1 {
			diff := parts[p.N-2].Total.Sub(p.Total)
			require.True(t, diff.Equal(decimal.Zero) || diff.Equal(dec("0.01")), "parts %d and %d differ by %s", p.N-1, p.N, diff)
		}
	}
	for i, l := range inv.Lines {
		g := LineGross(l, 2)
		require.True(t, g.Equal(gross[i]), "line %d gross %s want %s", i+1, gross[i], g)
		require.True(t, VATIncluded(g, l.VAT, 2).Equal(vat[i]), "line %d vat", i+1)
	}
}

func lineIndex(inv Invoice, name string) int {
	for i, l := range inv.Lines {
		if l.Name == name {
			return i
		}
	}
	return -1
}

func TestSplitRejects(t *testing.T) {
	t.Parallel()
	good := mixedVATInvoice
	tests := []struct {
		name  string
		inv   func() Invoice
		parts int
		field string
		code  Code
		row   int
	}{
		{"ZeroParts", good, 0, "parts", CodeOutOfRange, 0},
		{"TooManyParts", good, 601, "parts", CodeOutOfRange, 0},
		{"NoLines", func() Invoice { return Invoice{Currency: "RUB"} }, 2, "lines", CodeRequired, 0},
		{"UnknownVAT", func() Invoice { i := good(); i.Lines[2].VAT = "18"; return i }, 2, "lines.vat", CodeUnknown, 3},
		{"EmptyName", func() Invoice { i := good(); i.Lines[1].Name = " "; return i }, 2, "lines.name", CodeRequired, 2},
		{"ZeroQuantity", func() Invoice { i := good(); i.Lines[0].Quantity = dec("0"); return i }, 2, "lines.quantity", CodeOutOfRange, 1},
		{"PriceTooPrecise", func() Invoice { i := good(); i.Lines[0].Price = dec("1.001"); return i }, 2, "lines.price", CodeTooPrecise, 1},
		{"LineRoundsToZero", func() Invoice {
			i := good()
			i.Lines[0].Quantity = dec("0.1")
			i.Lines[0].Price = dec("0.01")
			return i
		}, 2, "lines.quantity", CodeTooSmall, 1},
		{"UnknownCurrency", func() Invoice { i := good(); i.Currency = "ZZZ"; return i }, 2, "currency", CodeUnknown, 0},
		{"OneKopeckInTwoParts", func() Invoice {
			return Invoice{Currency: "RUB", Lines: []Line{{Name: "x", Quantity: dec("1"), Price: dec("0.01"), VAT: VAT20}}}
		}, 2, "parts", CodeTooSmall, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Split(tt.inv(), tt.parts, date(t, "2025-01-31"), monthly())
			e := requireCode(t, err, tt.field, tt.code)
			require.Equal(t, tt.row, e.Row)
		})
	}
	_, err := Split(good(), 2, Date{}, Period{"x", 1})
	requireCode(t, err, "first", CodeRequired)
	requireCode(t, err, "period", CodeUnknown)
}
