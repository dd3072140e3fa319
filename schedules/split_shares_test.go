package schedules

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestSplitSharesFollowsPercentsAndKeepsSums(t *testing.T) {
	t.Parallel()
	inv := mixedVATInvoice()
	parts, err := SplitShares(inv, decs("50", "30", "20"), date(t, "2025-01-31"), monthly())
	require.NoError(t, err)
	require.Len(t, parts, 3)
	gross, vat := make([]decimal.Decimal, len(inv.Lines)), make([]decimal.Decimal, len(inv.Lines))
	for _, p := range parts {
		for _, l := range p.Lines {
			i := lineIndex(inv, l.Name)
			gross[i], vat[i] = gross[i].Add(l.Amount), vat[i].Add(l.VAT)
		}
	}
	for i, l := range inv.Lines {
		g := LineGross(l, 2)
		require.True(t, g.Equal(gross[i]), "line %d gross %s want %s", i+1, gross[i], g)
		require.True(t, VATIncluded(g, l.VAT, 2).Equal(vat[i]), "line %d vat", i+1)
	}
	requireDecimals(t, decs("2383.34", "1430.00", "953.33"), []decimal.Decimal{parts[0].Total, parts[1].Total, parts[2].Total})
	// Лицензия 1000.01: cumulative 500.01 (500.005 half up), 800.01 (800.008), 1000.01.
	requireDecimals(t, decs("500.01", "300.00", "200.00"), []decimal.Decimal{parts[0].Lines[1].Amount, parts[1].Lines[1].Amount, parts[2].Lines[1].Amount})
	require.Equal(t, "2025-03-31", parts[2].Due.String())
}

func TestSplitSharesRefusesBadShares(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		shares []string
		code   Code
	}{
		{"NotHundred", []string{"50", "30", "10"}, CodeSumMismatch},
		{"ZeroShare", []string{"100", "0"}, CodeOutOfRange},
		{"NegativeShare", []string{"110", "-10"}, CodeOutOfRange},
		{"TooSmallForAKopeck", []string{"99.9999", "0.0001"}, CodeTooSmall},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := SplitShares(mixedVATInvoice(), decs(tc.shares...), date(t, "2025-01-31"), monthly())
			var es ValidationErrors
			require.True(t, errors.As(err, &es), "%v", err)
			require.Equal(t, "shares", es[0].Field)
			require.Equal(t, tc.code, es[0].Code)
		})
	}
}
