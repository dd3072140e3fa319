package schedules

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Currency is an ISO 4217 currency with its number of minor units
// (kopecks: 2 for RUB, 0 for JPY, 3 for KWD).
type Currency struct {
	Code   string
	Minor  int32
	Symbol string
}

var currencies = map[string]Currency{
	"RUB": {"RUB", 2, "₽"},
	"USD": {"USD", 2, "$"},
	"EUR": {"EUR", 2, "€"},
	"KZT": {"KZT", 2, "₸"},
	"BYN": {"BYN", 2, "Br"},
	"CNY": {"CNY", 2, "¥"},
	"UAH": {"UAH", 2, "₴"},
	"GBP": {"GBP", 2, "£"},
	"CHF": {"CHF", 2, "CHF"},
	"AMD": {"AMD", 2, "֏"},
	"GEL": {"GEL", 2, "₾"},
	"UZS": {"UZS", 2, "сум"},
	"KGS": {"KGS", 2, "сом"},
	"AZN": {"AZN", 2, "₼"},
	"TRY": {"TRY", 2, "₺"},
	"AED": {"AED", 2, "AED"},
	"INR": {"INR", 2, "₹"},
	"JPY": {"JPY", 0, "¥"},
	"KRW": {"KRW", 0, "₩"},
	"KWD": {"KWD", 3, "KWD"},
	"BHD": {"BHD", 3, "BHD"},
	"OMR": {"OMR", 3, "OMR"},
}

// LookupCurrency finds a currency by its ISO 4217 code (case-insensitive).
func LookupCurrency(code string) (Currency, error) {
	c, ok := currencies[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Currency{}, fmt.Errorf("%w: %q", ErrBadCurrency, code)
	}
	return c, nil
}

// Unit is the smallest amount of the currency (0.01 for RUB).
func (c Currency) Unit() decimal.Decimal { return decimal.New(1, -c.Minor) }

// FromMinor is an amount given in minor units: 143715 → 1437.15 for RUB.
func (c Currency) FromMinor(u int64) decimal.Decimal { return fromUnits(u, c.Minor) }

// Fits reports whether the amount has no more decimals than the currency's
// minor units allow.
func (c Currency) Fits(d decimal.Decimal) bool { return d.Equal(d.Truncate(c.Minor)) }

// Plain formats an amount for machine output: "1437.15" (fixed minor digits).
func (c Currency) Plain(d decimal.Decimal) string { return d.StringFixed(c.Minor) }

// Human formats an amount for people, Russian style: "1 437,15 ₽". Groups of
// thousands and the symbol are separated by a no-break space (U+00A0).
func (c Currency) Human(d decimal.Decimal) string {
	return groupRU(d.Abs().StringFixed(c.Minor), d.IsNegative(), '\u00a0') + "\u00a0" + c.Symbol
}

// groupRU writes an unsigned decimal string Russian style: thousands split by sep, a decimal
// comma, and a true minus sign when negative.
func groupRU(s string, negative bool, sep rune) string {
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if negative {
		b.WriteString("−")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}
