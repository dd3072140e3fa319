package schedules

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxLines bounds the number of lines in an invoice to split.
const MaxLines = 1000

// Line is one invoice line: Price is the unit price including VAT.
type Line struct {
	Name     string
	Quantity decimal.Decimal
	Price    decimal.Decimal
	VAT      VATRate
}

// Invoice is what the split robot cuts into parts.
type Invoice struct {
	Currency string
	Lines    []Line
}

// PartLine is one line's share in a part. Quantity is the original line's
// quantity, carried for reference: the part bills Amount of that line.
type PartLine struct {
	Name     string
	Quantity decimal.Decimal
	Amount   decimal.Decimal // gross, including VAT
	VAT      decimal.Decimal
	Rate     VATRate
}

// Part is one of the invoices an invoice is split into.
type Part struct {
	N     int
	Due   Date
	Total decimal.Decimal // sum of the lines' amounts
	VAT   decimal.Decimal // sum of the lines' VAT
	Lines []PartLine      // lines with a non-zero share only
}

// LineGross is a line's total: quantity × price rounded half-up to minor units.
func LineGross(l Line, minor int32) decimal.Decimal {
	return roundMinor(l.Quantity.Mul(l.Price), minor)
}

// Validate checks the invoice and returns ValidationErrors or nil.
func (inv Invoice) Validate() error {
	var es ValidationErrors
	cur, curOK := Plan{Currency: inv.Currency}.validateCurrency(&es)
	switch {
	case len(inv.Lines) == 0:
		es.addCode("lines", CodeRequired)
	case len(inv.Lines) > MaxLines:
		es.add(&ValidationError{Field: "lines", Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxLines)})
	}
	total := decimal.Zero
	for i, l := range inv.Lines {
		if validateLine(&es, i+1, l, cur, curOK) {
			total = total.Add(LineGross(l, cur.Minor))
		}
	}
	if total.GreaterThan(MaxTotal) {
		es.add(&ValidationError{Field: "lines", Code: CodeOutOfRange, Min: MinTotal.String(), Max: MaxTotal.String()})
	}
	return es.err()
}

// validateLine checks one line and reports whether it is fine.
func validateLine(es *ValidationErrors, row int, l Line, cur Currency, curOK bool) bool {
	before := len(*es)
	if strings.TrimSpace(l.Name) == "" {
		es.add(&ValidationError{Field: "lines.name", Code: CodeRequired, Row: row})
	}
	if !l.Quantity.IsPositive() || l.Quantity.GreaterThan(MaxTotal) {
		es.add(&ValidationError{Field: "lines.quantity", Code: CodeOutOfRange, Row: row, Min: "0", Max: MaxTotal.String()})
	}
	validateAmount(es, "lines.price", row, l.Price, MinTotal, MaxTotal, cur, curOK)
	if !l.VAT.Valid() {
		es.add(&ValidationError{Field: "lines.vat", Code: CodeUnknown, Row: row})
	}
	if len(*es) > before || !curOK {
		return false
	}
	switch gross := LineGross(l, cur.Minor); {
	case gross.GreaterThan(MaxTotal):
		es.add(&ValidationError{Field: "lines.quantity", Code: CodeOutOfRange, Row: row, Min: "0", Max: MaxTotal.String()})
	case !gross.IsPositive():
		es.add(&ValidationError{Field: "lines.quantity", Code: CodeTooSmall, Row: row})
	}
	return len(*es) == before
}

// Split cuts an invoice into parts due on first + k periods (k = 0…parts−1).
//
//   - Each line's gross is spread over the parts so that its shares differ by
//     at most one minor unit and add up exactly. The leftover units of the
//     lines are handed out round-robin, continuing from where the previous
//     line stopped, so part totals follow the equal rule as well: they
//     differ by at most one unit and the earliest parts carry the extra.
//   - A line's VAT is VATIncluded(line gross). Its share in part k is
//     VATIncluded(cumulative gross up to k) − VATIncluded(cumulative up to
//     k−1), so the shares add up exactly to the line's VAT and each is within
//     one minor unit of the formula applied to the share itself.
//   - Per VAT rate, the original VAT is the sum of its lines' VAT, so gross
//     and VAT per rate add up exactly too. A part's total and VAT are the
//     sums of its lines.
func Split(inv Invoice, parts int, first Date, period Period) ([]Part, error) {
	if err := validateSplit(inv, parts, first, period); err != nil {
		return nil, err
	}
	cur, _ := LookupCurrency(inv.Currency)
	out := make([]Part, parts)
	for k := range out {
		out[k] = Part{N: k + 1, Due: period.Nth(first, k)}
	}
	cursor := 0
	for _, l := range inv.Lines {
		cursor = splitLine(out, l, cursor, cur.Minor)
	}
	return out, nil
}

func validateSplit(inv Invoice, parts int, first Date, period Period) error {
	var es ValidationErrors
	if err := inv.Validate(); err != nil {
		es = append(es, err.(ValidationErrors)...)
	}
	ok := len(es) == 0
	if parts < 1 || parts > MaxCount {
		es.add(&ValidationError{Field: "parts", Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxCount)})
		ok = false
	}
	Plan{First: first}.validateFirst(&es)
	periodOK := validatePeriod(&es, period)
	if ok && periodOK && first.Valid() && !period.Nth(first, parts-1).Valid() {
		es.add(&ValidationError{Field: "first", Code: CodeOutOfRange, Min: "0001-01-01", Max: "9999-12-31"})
	}
	if ok && invoiceUnits(inv) < int64(parts) {
		es.addCode("parts", CodeTooSmall)
	}
	return es.err()
}

func invoiceUnits(inv Invoice) int64 {
	cur, _ := LookupCurrency(inv.Currency)
	var u int64
	for _, l := range inv.Lines {
		u += units(LineGross(l, cur.Minor), cur.Minor)
	}
	return u
}

// splitLine adds line l's shares to the parts and returns the next cursor.
func splitLine(out []Part, l Line, cursor int, minor int32) int {
	n := int64(len(out))
	u := units(LineGross(l, minor), minor)
	base, extra := u/n, int(u%n)
	shares := make([]int64, n)
	for k := range shares {
		shares[k] = base
	}
	for j := range extra {
		shares[(cursor+j)%len(out)]++
	}
	addLineShares(out, l, shares, minor)
	return (cursor + extra) % len(out)
}

// addLineShares adds line l's shares (minor units per part, adding up to the line's gross) to the
// parts, with the VAT of each share taken as the difference of the cumulative VAT.
func addLineShares(out []Part, l Line, shares []int64, minor int32) {
	var cum int64
	prevVAT := decimal.Zero
	for k, s := range shares {
		cum += s
		vat := VATIncluded(fromUnits(cum, minor), l.VAT, minor)
		if s > 0 {
			out[k].add(PartLine{Name: l.Name, Quantity: l.Quantity, Amount: fromUnits(s, minor), VAT: vat.Sub(prevVAT), Rate: l.VAT})
		}
		prevVAT = vat
	}
}

func (p *Part) add(l PartLine) {
	p.Lines = append(p.Lines, l)
	p.Total = p.Total.Add(l.Amount)
	p.VAT = p.VAT.Add(l.VAT)
}
