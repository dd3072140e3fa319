package invoicebox

import (
	"bytes"
	"fmt"

	"github.com/shopspring/decimal"
)

// floatNoise is the largest excess over two decimals that a float-serialising sender
// may add (371.88000000000005) and that we still read as an exact kopeck amount.
var floatNoise = decimal.New(1, -6)

// rubles is a money amount on the wire: a JSON number with exactly two decimals.
type rubles decimal.Decimal

func (r rubles) MarshalJSON() ([]byte, error) {
	return []byte(decimal.Decimal(r).StringFixed(2)), nil
}

func (r *rubles) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	d, err := parseMoney(b)
	if err != nil {
		return err
	}
	*r = rubles(d)
	return nil
}

func (r rubles) dec() decimal.Decimal { return decimal.Decimal(r) }

// parseMoney reads a JSON number (or a quoted number) as an exact amount with at most
// two decimals; float noise beyond that is rounded away, anything else is an error.
func parseMoney(b []byte) (decimal.Decimal, error) {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	if s == "" || s == "null" {
		return decimal.Zero, fmt.Errorf("amount is empty")
	}
	d, err := parseNumber(s)
	if err != nil {
		return decimal.Zero, fmt.Errorf("amount %q: %w", truncate(s, 40), err)
	}
	r := d.Round(2)
	if d.Sub(r).Abs().GreaterThan(floatNoise) {
		return decimal.Zero, fmt.Errorf("amount %q has more than two decimals", truncate(s, 40))
	}
	return r, nil
}

// parseNumber reads a bounded decimal: short, with a sane exponent, so that later
// arithmetic cannot blow up on input like 1e999999999.
func parseNumber(s string) (decimal.Decimal, error) {
	if len(s) > maxNumberLen {
		return decimal.Zero, fmt.Errorf("number too long")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, fmt.Errorf("not a number")
	}
	if e := d.Exponent(); e > 15 || e < -30 {
		return decimal.Zero, fmt.Errorf("number out of range")
	}
	return d, nil
}

const maxNumberLen = 40

// quantity is a basket quantity on the wire: a plain JSON number.
type quantity decimal.Decimal

func (q quantity) MarshalJSON() ([]byte, error) {
	return []byte(decimal.Decimal(q).String()), nil
}

func (q *quantity) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	d, err := parseNumber(s)
	if err != nil {
		return fmt.Errorf("quantity %q: %w", truncate(s, 40), err)
	}
	*q = quantity(d)
	return nil
}

// hasKopecks reports whether d has at most two decimals.
func hasKopecks(d decimal.Decimal) bool { return d.Equal(d.Round(2)) }

func validMoney(field string, d decimal.Decimal, allowZero bool) error {
	if d.IsNegative() || (!allowZero && d.IsZero()) {
		return inputErr(field, "amount %s must be positive", d)
	}
	if !hasKopecks(d) {
		return inputErr(field, "amount %s has more than two decimals", d)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
