package invoicebox

import (
	"context"
	"net/http"
	"strings"

	"github.com/shopspring/decimal"
)

// RefundableLine is a paid order's basket line with what can still be refunded of it.
type RefundableLine struct {
	Line
	Available    decimal.Decimal // gross money left to refund on this line
	AvailableVAT decimal.Decimal
}

type refundableLineWire struct {
	basketItemWire
	AvailableAmount    rubles `json:"availableAmount"`
	AvailableVatAmount rubles `json:"availableVatAmount"`
}

// RefundableLines reads what can still be refunded of a paid order, line by line:
// GET /v3/billing/api/order/order/{id}/refund-basket-item (reference §8.1).
func (c *Client) RefundableLines(ctx context.Context, orderID string) ([]RefundableLine, error) {
	if strings.TrimSpace(orderID) == "" {
		return nil, inputErr("orderId", "the Invoicebox order id is needed")
	}
	var list []refundableLineWire
	_, err := c.do(ctx, call{op: "refundable lines", method: http.MethodGet, path: orderPath(orderID) + "/refund-basket-item"}, &list)
	if err != nil {
		return nil, err
	}
	out := make([]RefundableLine, 0, len(list))
	for _, w := range list {
		out = append(out, RefundableLine{Line: Line{SKU: w.SKU, Name: w.Name, Measure: w.Measure, MeasureCode: w.MeasureCode,
			Quantity: decimal.Decimal(w.Quantity), UnitPrice: w.Amount.dec(), VATCode: VATCode(w.VatCode), Type: ItemType(w.Type),
			PaymentType: PaymentType(w.PaymentType), ServiceDate: w.ServiceDate},
			Available: w.AvailableAmount.dec(), AvailableVAT: w.AvailableVatAmount.dec()})
	}
	return out, nil
}

// RefundLinesFor takes amount off the refundable lines in their order, each line as one unit of
// the money taken from it (a partial refund of a service line), never more than a line has left.
func RefundLinesFor(lines []RefundableLine, amount decimal.Decimal) ([]Line, error) {
	var out []Line
	left := amount
	for _, l := range lines {
		if !left.IsPositive() {
			break
		}
		take := decimal.Min(left, l.Available)
		if !take.IsPositive() {
			continue
		}
		line := l.Line
		line.Quantity, line.UnitPrice = decimal.NewFromInt(1), take
		out = append(out, line)
		left = left.Sub(take)
	}
	if left.IsPositive() {
		return nil, inputErr("amount", "%s is more than the order's lines have left to refund", amount)
	}
	return out, nil
}
