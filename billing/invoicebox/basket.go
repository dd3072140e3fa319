package invoicebox

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ItemType is the basket line's type.
type ItemType string

// Item types.
const (
	ItemService   ItemType = "service"
	ItemCommodity ItemType = "commodity"
)

// PaymentType is the fiscal "способ расчёта" of a line.
type PaymentType string

// Payment types.
const (
	PaymentFullPrepayment PaymentType = "full_prepayment"
	PaymentPrepayment     PaymentType = "prepayment"
	PaymentAdvance        PaymentType = "advance"
	PaymentFull           PaymentType = "full_payment"
)

// Default unit: piece (ОКЕИ 796).
const (
	DefaultMeasure     = "шт."
	DefaultMeasureCode = "796"
)

// Line is one basket line as we know it: a gross unit price (VAT included).
// Zero Quantity means 1; empty Measure/MeasureCode mean a piece.
type Line struct {
	SKU         string
	Name        string // goes to the fiscal receipt: say what is sold
	Measure     string
	MeasureCode string
	Quantity    decimal.Decimal
	UnitPrice   decimal.Decimal // gross, VAT included
	VATCode     VATCode
	Type        ItemType
	PaymentType PaymentType
	ServiceDate string // optional, YYYY-MM-DD
}

// PricedLine is a line with every figure Invoicebox checks.
type PricedLine struct {
	Line
	Total          decimal.Decimal // UnitPrice × Quantity
	VAT            decimal.Decimal // VAT in Total
	UnitPriceWoVAT decimal.Decimal // UnitPrice − VAT / Quantity
}

// Totals are the order figures: Σ line totals and Σ line VAT.
type Totals struct {
	Amount decimal.Decimal
	VAT    decimal.Decimal
}

// PriceLines computes each line's total, VAT and net unit price and the order totals
// so that they add up exactly as Invoicebox validates them.
func PriceLines(lines []Line) ([]PricedLine, Totals, error) {
	if len(lines) == 0 {
		return nil, Totals{}, inputErr("lines", "at least one basket line is needed")
	}
	priced := make([]PricedLine, 0, len(lines))
	totals := Totals{Amount: decimal.Zero, VAT: decimal.Zero}
	for i, l := range lines {
		p, err := priceLine(l.withDefaults())
		if err != nil {
			if ie, ok := err.(*InputError); ok {
				ie.Field = lineField(i, ie.Field)
			}
			return nil, Totals{}, err
		}
		priced = append(priced, p)
		totals.Amount = totals.Amount.Add(p.Total)
		totals.VAT = totals.VAT.Add(p.VAT)
	}
	return priced, totals, nil
}

func lineField(i int, field string) string {
	return "lines[" + strconv.Itoa(i) + "]." + field
}

func (l Line) withDefaults() Line {
	if l.Quantity.IsZero() {
		l.Quantity = decimal.NewFromInt(1)
	}
	if l.Measure == "" && l.MeasureCode == "" {
		l.Measure, l.MeasureCode = DefaultMeasure, DefaultMeasureCode
	}
	return l
}

func priceLine(l Line) (PricedLine, error) {
	if err := l.validate(); err != nil {
		return PricedLine{}, err
	}
	total := l.UnitPrice.Mul(l.Quantity)
	if !hasKopecks(total) {
		return PricedLine{}, inputErr("quantity", "price × quantity = %s is not a whole number of kopecks", total)
	}
	vat, _ := VATFromGross(total, l.VATCode)
	net := roundHalfUp(l.UnitPrice.Sub(vat.Div(l.Quantity)))
	return PricedLine{Line: l, Total: total, VAT: vat, UnitPriceWoVAT: net}, nil
}

func (l Line) validate() error {
	checks := []struct {
		bad         bool
		field, what string
	}{
		{strings.TrimSpace(l.SKU) == "" || len(l.SKU) > 500, "sku", "sku must be 1–500 characters"},
		{strings.TrimSpace(l.Name) == "" || len(l.Name) > 500, "name", "name must be 1–500 characters"},
		{l.Measure == "" || len(l.Measure) > 10, "measure", "measure must be 1–10 bytes"},
		{l.MeasureCode == "" || len(l.MeasureCode) > 4, "measureCode", "measure code must be 1–4 characters"},
		{!l.Quantity.IsPositive(), "quantity", "quantity must be positive"},
		{l.Type != ItemService && l.Type != ItemCommodity, "type", "type must be service or commodity"},
		{!validPaymentType(l.PaymentType), "paymentType", "unknown payment type"},
	}
	for _, c := range checks {
		if c.bad {
			return inputErr(c.field, "%s", c.what)
		}
	}
	if _, ok := l.VATCode.Rate(); !ok {
		return inputErr("vatCode", "unsupported VAT code %q", l.VATCode)
	}
	if l.ServiceDate != "" {
		if _, err := time.Parse(time.DateOnly, l.ServiceDate); err != nil {
			return inputErr("serviceDate", "service date must be YYYY-MM-DD")
		}
	}
	return validMoney("unitPrice", l.UnitPrice, false)
}

func validPaymentType(p PaymentType) bool {
	switch p {
	case PaymentFullPrepayment, PaymentPrepayment, PaymentAdvance, PaymentFull:
		return true
	}
	return false
}

func (p PricedLine) wire() basketItemWire {
	return basketItemWire{
		SKU:            p.SKU,
		Name:           p.Name,
		Measure:        p.Measure,
		MeasureCode:    p.MeasureCode,
		Quantity:       quantity(p.Quantity),
		Amount:         rubles(p.UnitPrice),
		AmountWoVat:    rubles(p.UnitPriceWoVAT),
		TotalAmount:    rubles(p.Total),
		TotalVatAmount: rubles(p.VAT),
		VatCode:        string(p.VATCode),
		Type:           string(p.Type),
		PaymentType:    string(p.PaymentType),
		ServiceDate:    p.ServiceDate,
	}
}

func wireBasket(lines []PricedLine) []basketItemWire {
	out := make([]basketItemWire, len(lines))
	for i, l := range lines {
		out[i] = l.wire()
	}
	return out
}
