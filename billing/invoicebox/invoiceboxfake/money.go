package invoiceboxfake

import (
	"encoding/json"

	"github.com/shopspring/decimal"
)

// money renders like the real service: a JSON number in rubles.
type money decimal.Decimal

func (m money) MarshalJSON() ([]byte, error) {
	return []byte(decimal.Decimal(m).StringFixed(2)), nil
}

func (m money) dec() decimal.Decimal { return decimal.Decimal(m) }

// number renders a quantity as a plain JSON number.
type number decimal.Decimal

func (n number) MarshalJSON() ([]byte, error) { return []byte(decimal.Decimal(n).String()), nil }

// parseMoney reads a required amount in rubles with at most two decimals.
func parseMoney(field string, n json.Number) (decimal.Decimal, *apiErr) {
	d, ok := parseNumber(n)
	if !ok {
		return decimal.Zero, invalidField(field, "required")
	}
	if d.IsNegative() || !d.Equal(d.Round(2)) {
		return decimal.Zero, invalidField(field, "wrong_value")
	}
	return d, nil
}

// parseNumber reads a short number with a sane exponent, so that arithmetic on it
// cannot explode (1e999999999).
func parseNumber(n json.Number) (decimal.Decimal, bool) {
	if n == "" || len(n) > 32 {
		return decimal.Zero, false
	}
	d, err := decimal.NewFromString(string(n))
	if err != nil || d.Exponent() > 15 || d.Exponent() < -30 {
		return decimal.Zero, false
	}
	return d, true
}

func invalidField(name, code string) *apiErr {
	return unprocessable("", "Validation Error", fieldErr{Name: name, Code: code})
}

// vatRule is a VAT code the fake accepts: both the 2024 and the 2026 dictionaries.
type vatRule struct {
	rate  int64
	added bool
}

var vatRules = map[string]vatRule{
	"VATNONE": {0, false}, "RUS_VAT0": {0, false},
	"RUS_VAT5": {5, false}, "RUS_VAT5_ADDED": {5, true},
	"RUS_VAT7": {7, false}, "RUS_VAT7_ADDED": {7, true},
	"RUS_VAT10": {10, false}, "RUS_VAT10_ADDED": {10, true},
	"RUS_VAT20": {20, false}, "RUS_VAT20_ADDED": {20, true},
	"RUS_VAT22": {22, false}, "RUS_VAT22_ADDED": {22, true},
}

// includedVAT is total × rate / (100 + rate), rounded half-up to kopecks.
func includedVAT(total decimal.Decimal, rate int64) decimal.Decimal {
	if rate == 0 {
		return decimal.Zero
	}
	r := decimal.NewFromInt(rate)
	return total.Mul(r).Div(r.Add(decimal.NewFromInt(100))).Round(2)
}
