package sbp

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// maxAmount bounds amounts we accept from the wire (a trillion rubles); it keeps hostile
// inputs such as 1e999999 from turning into billion-digit strings.
var maxAmount = decimal.New(1, 12)

// rubles is an amount in rubles written as a bare JSON number (`1500.5`), as the bank's API wants.
type rubles decimal.Decimal

func (r rubles) MarshalJSON() ([]byte, error) {
	return []byte(decimal.Decimal(r).String()), nil
}

// UnmarshalJSON accepts a JSON number or a quoted decimal string.
func (r *rubles) UnmarshalJSON(b []byte) error {
	d, err := parseAmountText(string(bytes.Trim(b, `"`)))
	if err != nil {
		return err
	}
	*r = rubles(d)
	return nil
}

// parseAmountText reads a decimal amount, refusing absurd magnitudes and exponents.
func parseAmountText(s string) (decimal.Decimal, error) {
	if len(s) == 0 || len(s) > 40 {
		return decimal.Decimal{}, fmt.Errorf("amount %q: bad length", truncate(s, 40))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q: %w", s, err)
	}
	if exp := d.Exponent(); exp < -20 || exp > 12 {
		return decimal.Decimal{}, fmt.Errorf("amount %q: exponent out of range", s)
	}
	if d.Abs().GreaterThanOrEqual(maxAmount) {
		return decimal.Decimal{}, fmt.Errorf("amount %q: too large", s)
	}
	return d, nil
}

// checkPayable reports whether d is a positive whole number of kopecks.
func checkPayable(d decimal.Decimal) error {
	if !d.IsPositive() {
		return fmt.Errorf("%w: amount must be positive, got %s", ErrWrongAmount, d)
	}
	if !d.Equal(d.Round(2)) {
		return fmt.Errorf("%w: amount %s has more than two decimal places", ErrWrongAmount, d)
	}
	if d.GreaterThanOrEqual(maxAmount) {
		return fmt.Errorf("%w: amount %s is too large", ErrWrongAmount, d)
	}
	return nil
}

// Kopecks converts whole-kopeck rubles to kopecks; it fails on fractions of a kopeck.
func Kopecks(d decimal.Decimal) (int64, error) {
	k := d.Shift(2)
	if !k.IsInteger() || k.Abs().GreaterThanOrEqual(maxAmount.Shift(2)) {
		return 0, fmt.Errorf("%w: %s is not a whole number of kopecks", ErrWrongAmount, d)
	}
	return k.IntPart(), nil
}

// FromKopecks converts kopecks to rubles.
func FromKopecks(k int64) decimal.Decimal { return decimal.New(k, -2) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

var _ json.Marshaler = rubles{}
