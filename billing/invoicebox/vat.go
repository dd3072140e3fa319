package invoicebox

import "github.com/shopspring/decimal"

// VATCode is the basket line's vatCode. Plain RUS_VATnn means the tax is included in
// the price. The 2024 dictionary knows VATNONE, RUS_VAT0, RUS_VAT10 and RUS_VAT20; the
// 2026 one adds RUS_VAT22, RUS_VAT7 and RUS_VAT5 (22 % is the base rate from 2026).
// Which of them a shop accepts is unconfirmed, so the caller chooses. The _ADDED codes
// (tax on top of the price) are not supported: we always start from gross amounts.
type VATCode string

// VAT codes with the tax included in the price.
const (
	VATNone VATCode = "VATNONE"
	VAT0    VATCode = "RUS_VAT0"
	VAT5    VATCode = "RUS_VAT5"
	VAT7    VATCode = "RUS_VAT7"
	VAT10   VATCode = "RUS_VAT10"
	VAT20   VATCode = "RUS_VAT20"
	VAT22   VATCode = "RUS_VAT22"
)

var vatRates = map[VATCode]int64{
	VATNone: 0, VAT0: 0, VAT5: 5, VAT7: 7, VAT10: 10, VAT20: 20, VAT22: 22,
}

// Rate returns the rate in percent and whether the code is supported.
func (c VATCode) Rate() (int64, bool) {
	r, ok := vatRates[c]
	return r, ok
}

// VATFromGross is the VAT included in a gross amount: gross × rate / (100 + rate),
// rounded half-up to kopecks (the rule Invoicebox's own tooling uses).
func VATFromGross(gross decimal.Decimal, code VATCode) (decimal.Decimal, bool) {
	rate, ok := code.Rate()
	if !ok {
		return decimal.Zero, false
	}
	if rate == 0 {
		return decimal.Zero, true
	}
	r := decimal.NewFromInt(rate)
	vat := gross.Mul(r).Div(r.Add(decimal.NewFromInt(100)))
	return roundHalfUp(vat), true
}

// roundHalfUp rounds to kopecks, halves away from zero (amounts are never negative).
func roundHalfUp(d decimal.Decimal) decimal.Decimal { return d.Round(2) }
