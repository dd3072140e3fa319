package schedules

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// VATRate is a Russian VAT rate applied to prices that include VAT.
type VATRate string

// Known VAT rates. VATNone means the seller charges no VAT (as opposed to 0 %).
const (
	VATNone VATRate = "none"
	VAT0    VATRate = "0"
	VAT10   VATRate = "10"
	VAT20   VATRate = "20"
	VAT22   VATRate = "22"
)

var vatPercents = map[VATRate]int64{VATNone: 0, VAT0: 0, VAT10: 10, VAT20: 20, VAT22: 22}

// ParseVATRate reads "0", "10", "20", "22" (an optional % is allowed) or
// "none" / "без НДС".
func ParseVATRate(s string) (VATRate, error) {
	t := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "%")
	if t == "без ндс" || t == "" {
		t = string(VATNone)
	}
	r := VATRate(t)
	if _, ok := vatPercents[r]; !ok {
		return "", fmt.Errorf("%w: %q", ErrBadVATRate, s)
	}
	return r, nil
}

// Valid reports whether the rate is one of the known rates.
func (r VATRate) Valid() bool {
	_, ok := vatPercents[r]
	return ok
}

// VATIncluded is the VAT inside a gross amount at rate r:
// gross × r / (100 + r), rounded half-up to the currency's minor units
// (see rounding.go). It is zero for VATNone and VAT0.
func VATIncluded(gross decimal.Decimal, r VATRate, minor int32) decimal.Decimal {
	pct := vatPercents[r]
	if pct == 0 {
		return decimal.Zero
	}
	p := decimal.NewFromInt(pct)
	return roundMinor(gross.Mul(p).DivRound(hundred.Add(p), precision), minor)
}
