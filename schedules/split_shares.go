package schedules

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// SplitShares cuts an invoice into len(shares) parts whose sizes follow the shares, given in
// percent and adding up to exactly 100.
//
// Each line is cut by cumulative rounding: part k gets round(gross × (s1+…+sk)/100) −
// round(gross × (s1+…+sk−1)/100) minor units (half up), so a line's shares add up exactly to its
// gross and the last part takes what is left. VAT per share follows the same cumulative rule as
// Split, so net, VAT and gross add up exactly per line, per rate and in total. A part's total is
// within half a minor unit per line of its share of the invoice.
func SplitShares(inv Invoice, shares []decimal.Decimal, first Date, period Period) ([]Part, error) {
	if err := validateSplit(inv, len(shares), first, period); err != nil {
		return nil, err
	}
	if err := validateShares(shares); err != nil {
		return nil, err
	}
	cur, _ := LookupCurrency(inv.Currency)
	out := make([]Part, len(shares))
	for k := range out {
		out[k] = Part{N: k + 1, Due: period.Nth(first, k)}
	}
	for _, l := range inv.Lines {
		addLineShares(out, l, lineShares(units(LineGross(l, cur.Minor), cur.Minor), shares), cur.Minor)
	}
	for k, p := range out {
		if !p.Total.IsPositive() {
			return nil, ValidationErrors{{Field: "shares", Code: CodeTooSmall, Row: k + 1}}
		}
	}
	return out, nil
}

func validateShares(shares []decimal.Decimal) error {
	var es ValidationErrors
	sum := decimal.Zero
	for i, s := range shares {
		if !s.IsPositive() || s.GreaterThan(hundred) {
			es.add(&ValidationError{Field: "shares", Code: CodeOutOfRange, Row: i + 1, Min: "0", Max: "100"})
		}
		sum = sum.Add(s)
	}
	if len(es) == 0 && !sum.Equal(hundred) {
		es.add(&ValidationError{Field: "shares", Code: CodeSumMismatch, Diff: sum.Sub(hundred)})
	}
	if len(shares) > MaxCount {
		es.add(&ValidationError{Field: "shares", Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxCount)})
	}
	return es.err()
}

// lineShares spreads u minor units over the shares by cumulative half-up rounding.
func lineShares(u int64, shares []decimal.Decimal) []int64 {
	out := make([]int64, len(shares))
	total := decimal.NewFromInt(u)
	cumShare := decimal.Zero
	var prev int64
	for k, s := range shares {
		cumShare = cumShare.Add(s)
		upTo := u
		if k < len(shares)-1 {
			upTo = total.Mul(cumShare).Div(hundred).Round(0).IntPart()
		}
		out[k], prev = upTo-prev, upTo
	}
	return out
}
