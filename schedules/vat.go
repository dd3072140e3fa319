package schedules

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// VATRate is a Russian VAT rate applied to prices that include VAT.
type VATRate string

// Known VAT rates. VATNone means the seller charges no VAT (as opposed to 0 %). 5 and 7 % are
// the simplified-taxation rates (УСН, from 2025); 22 % is the base rate from 2026.
const (
	VATNone VATRate = "none"
	VAT0    VATRate = "0"
	VAT5    VATRate = "5"
	VAT7    VATRate = "7"
	VAT10   VATRate = "10"
	VAT20   VATRate = "20"
	VAT22   VATRate = "22"
)

// VATRates is the one list of Russian VAT rates the product accepts (the split command, the
// Invoicebox route's B24PAY_INVOICEBOX_VAT), in the order they are shown.
var VATRates = []VATRate{VAT0, VAT5, VAT7, VAT10, VAT20, VAT22, VATNone}

var vatPercents = map[VATRate]int64{VATNone: 0, VAT0: 0, VAT5: 5, VAT7: 7, VAT10: 10, VAT20: 20, VAT22: 22}

// VATRateList is VATRates for messages: "0, 5, 7, 10, 20, 22 or none".
func VATRateList() string {
	names := make([]string, len(VATRates))
	for i, r := range VATRates {
		names[i] = string(r)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParseVATRate reads one of VATRates (an optional % is allowed) or "без НДС" for none.
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
