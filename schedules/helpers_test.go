package schedules

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	require.NoError(t, err)
	return d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

// requireDecimals compares amounts by value and prints them readably.
func requireDecimals(t testing.TB, want, got []decimal.Decimal) {
	t.Helper()
	ws, gs := make([]string, len(want)), make([]string, len(got))
	for i := range want {
		ws[i] = want[i].StringFixed(2)
	}
	for i := range got {
		gs[i] = got[i].StringFixed(2)
	}
	require.Equal(t, ws, gs)
}

// plain formats minor units of a two-digit currency: 143715 → "1437.15".
func plain(u int64) string { return fromUnits(u, 2).StringFixed(2) }

func dueDates(s Schedule) []string {
	out := make([]string, len(s.Payments))
	for i, p := range s.Payments {
		out[i] = p.Due.String()
	}
	return out
}

func amounts(s Schedule) []decimal.Decimal {
	out := make([]decimal.Decimal, len(s.Payments))
	for i, p := range s.Payments {
		out[i] = s.Currency.FromMinor(p.AmountMinor)
	}
	return out
}

// requireCode asserts that err holds a ValidationError with this field and code.
func requireCode(t testing.TB, err error, field string, code Code) *ValidationError {
	t.Helper()
	var es ValidationErrors
	require.ErrorAs(t, err, &es)
	for _, e := range es {
		if e.Field == field && e.Code == code {
			return e
		}
	}
	require.Failf(t, "validation error not found", "want %s/%s in %v", field, code, err)
	return nil
}
