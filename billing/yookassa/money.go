package yookassa

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// maxValue bounds amounts read from the wire (a trillion), so hostile inputs stay small.
var maxValue = decimal.New(1, 12)

// Amount is YooKassa's money object: a decimal string in major units and an ISO 4217 code.
type Amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// NewAmount writes d with two decimals, as the API wants ("990.00").
func NewAmount(d decimal.Decimal, currency string) Amount {
	return Amount{Value: d.StringFixed(2), Currency: currency}
}

// Decimal reads the value; it refuses anything that is not a plain non-negative decimal with at
// most two fractional digits.
func (a Amount) Decimal() (decimal.Decimal, error) {
	if len(a.Value) == 0 || len(a.Value) > 20 {
		return decimal.Decimal{}, fmt.Errorf("amount %q: bad length", a.Value)
	}
	d, err := decimal.NewFromString(a.Value)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q: %w", a.Value, err)
	}
	if d.IsNegative() || d.GreaterThanOrEqual(maxValue) || !d.Equal(d.Truncate(2)) {
		return decimal.Decimal{}, fmt.Errorf("amount %q: out of range or more than two decimals", a.Value)
	}
	return d, nil
}
