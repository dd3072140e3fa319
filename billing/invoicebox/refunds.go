package invoicebox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const (
	pathRefund       = "/billing/api/order/refund-order"
	pathFilterRefund = "/filter/api/order/refund-order"
)

// RefundStatus is a refund's status at Invoicebox.
type RefundStatus string

// Refund statuses.
const (
	RefundDraft     RefundStatus = "draft"
	RefundCreated   RefundStatus = "created"
	RefundCompleted RefundStatus = "completed"
	RefundCanceled  RefundStatus = "canceled"
)

// RefundInput is a full or partial refund of a paid order. RefundID is our id of this
// refund, unique per shop: it is what makes a repeated request harmless. Lines are the
// refunded lines with gross amounts (always sent, so a partial refund stays partial).
type RefundInput struct {
	OrderID     string // Invoicebox id of the paid order
	RefundID    string
	Description string
	Amount      decimal.Decimal // must equal Σ line totals
	Lines       []Line
}

// Refund is a refund as Invoicebox reports it.
type Refund struct {
	ID        string
	OrderID   string
	RefundID  string
	Amount    decimal.Decimal
	VATAmount decimal.Decimal
	Currency  string
	Status    RefundStatus
	CreatedAt time.Time
	RequestID string
}

func (in RefundInput) build() (refundOrderRequest, error) {
	switch {
	case strings.TrimSpace(in.OrderID) == "":
		return refundOrderRequest{}, inputErr("orderId", "the paid order's Invoicebox id is needed")
	case strings.TrimSpace(in.RefundID) == "" || len(in.RefundID) > 256:
		return refundOrderRequest{}, inputErr("refundId", "must be 1–256 characters")
	case strings.TrimSpace(in.Description) == "" || len(in.Description) > 1000:
		return refundOrderRequest{}, inputErr("description", "must be 1–1000 characters")
	}
	b, err := priceOrder(in.Lines, in.Amount)
	if err != nil {
		return refundOrderRequest{}, err
	}
	return refundOrderRequest{
		ParentID:        in.OrderID,
		MerchantOrderID: in.RefundID,
		Description:     in.Description,
		Amount:          rubles(b.totals.Amount),
		VatAmount:       rubles(b.totals.VAT),
		BasketItems:     wireBasket(b.lines),
	}, nil
}

// CreateRefund asks Invoicebox to refund. Idempotent by RefundID: on
// merchant_order_id_duplicate the existing refund with the same amount is returned.
func (c *Client) CreateRefund(ctx context.Context, in RefundInput) (Refund, error) {
	req, err := in.build()
	if err != nil {
		return Refund{}, err
	}
	var w refundWire
	rid, err := c.do(ctx, call{op: "create refund", method: http.MethodPost, path: pathRefund, body: req, write: true}, &w)
	if errors.Is(err, ErrDuplicateOrderID) {
		return c.existingRefund(ctx, req, err)
	}
	if err != nil {
		return Refund{}, err
	}
	return w.refund(rid), nil
}

func (c *Client) existingRefund(ctx context.Context, req refundOrderRequest, dup error) (Refund, error) {
	refunds, err := c.ListRefunds(ctx, req.ParentID)
	if err != nil {
		return Refund{}, fmt.Errorf("%w (looking the existing refund up: %v)", dup, err)
	}
	for _, r := range refunds {
		if r.RefundID == req.MerchantOrderID && r.Amount.Equal(req.Amount.dec()) {
			return r, nil
		}
	}
	return Refund{}, dup
}

// ListRefunds lists the refunds of an order.
func (c *Client) ListRefunds(ctx context.Context, orderID string) ([]Refund, error) {
	if strings.TrimSpace(orderID) == "" {
		return nil, inputErr("orderId", "the Invoicebox order id is needed")
	}
	var list []refundWire
	q := url.Values{"parentId": {orderID}}
	rid, err := c.do(ctx, call{op: "list refunds", method: http.MethodGet, path: pathFilterRefund, query: q}, &list)
	if err != nil {
		return nil, err
	}
	out := make([]Refund, 0, len(list))
	for _, w := range list {
		if w.ParentID == "" || w.ParentID == orderID {
			out = append(out, w.refund(rid))
		}
	}
	return out, nil
}

func (w refundWire) refund(rid string) Refund {
	return Refund{
		ID:        w.ID,
		OrderID:   w.ParentID,
		RefundID:  w.MerchantOrderID,
		Amount:    w.Amount.dec(),
		VATAmount: w.VatAmount.dec(),
		Currency:  w.CurrencyID,
		Status:    RefundStatus(w.Status),
		CreatedAt: parseTime(w.CreatedAt),
		RequestID: rid,
	}
}
