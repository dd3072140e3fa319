package billing

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// MaxMinor bounds every amount we take from outside (a provider, a notification, a form) before
// it becomes minor units: 10^15 minor units, far below int64's limit, far above any real payment.
const MaxMinor int64 = 1_000_000_000_000_000

// ErrAmountOutOfRange: an outside amount is negative, too large or finer than the currency allows.
var ErrAmountOutOfRange = errors.New("billing: amount out of range")

// currencyOf is the currency's minor units (two decimals for a code we do not know).
func currencyOf(code string) schedules.Currency {
	c, err := schedules.LookupCurrency(code)
	if err != nil {
		return schedules.Currency{Code: code, Minor: 2}
	}
	return c
}

// toMajor turns minor units into the currency's amount (kopecks → roubles, yen → yen).
func toMajor(m int64, currency string) decimal.Decimal {
	return decimal.New(m, -currencyOf(currency).Minor)
}

// ToMinor range-checks an outside amount and turns it into minor units of the currency. It never
// rounds or wraps: an amount with more decimals than the currency has, a negative one or one above
// MaxMinor is refused.
func ToMinor(d decimal.Decimal, currency string) (int64, error) {
	m := d.Shift(currencyOf(currency).Minor)
	if !m.Equal(m.Truncate(0)) || m.IsNegative() || m.GreaterThan(decimal.NewFromInt(MaxMinor)) {
		return 0, fmt.Errorf("%w: %s %s", ErrAmountOutOfRange, d, currency)
	}
	return m.IntPart(), nil
}

// formatMoney is an amount for people: "1 437,15 ₽".
func formatMoney(minor int64, currency string) string {
	return currencyOf(currency).Human(toMajor(minor, currency))
}
