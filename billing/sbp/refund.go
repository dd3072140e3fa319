package sbp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"
)

// RefundStatus is the state of a refund.
type RefundStatus string

const (
	RefundInProgress RefundStatus = "IN_PROGRESS"
	RefundCompleted  RefundStatus = "COMPLETED"
	RefundDeclined   RefundStatus = "DECLINED"
)

// Final reports whether the refund will not change any more. Unknown values are not final.
func (s RefundStatus) Final() bool { return s == RefundCompleted || s == RefundDeclined }

// RefundInput asks to return (part of) a paid order.
type RefundInput struct {
	// OrderID is the paid order.
	OrderID string
	// RefundID is our unique refund id (idempotency and lookup key), same rules as OrderID.
	RefundID string
	// Amount in rubles, ≥ 0.01; all refunds of an order together may not exceed what was paid.
	Amount decimal.Decimal
	// Purpose is paymentDetails, ≤ 140 characters.
	Purpose string
	// TransactionID is required for static-QR payments only; zero leaves it out.
	TransactionID int64
}

// Validate checks the input against the bank's documented limits.
func (in RefundInput) Validate() error {
	return errors.Join(
		checkOrderID("order id", in.OrderID),
		checkOrderID("refund id", in.RefundID),
		checkPayable(in.Amount),
		checkTextLen("purpose", in.Purpose, maxRefundDetailsLen),
	)
}

// Refund is the bank's view of one refund.
type Refund struct {
	Amount decimal.Decimal
	Status RefundStatus
}

type refundRequest struct {
	Order          string `json:"order"`
	RefundID       string `json:"refundId"`
	Amount         rubles `json:"amount"`
	PaymentDetails string `json:"paymentDetails,omitempty"`
	TransactionID  int64  `json:"transactionId,omitempty"`
}

type refundAnswer struct {
	Amount       rubles       `json:"amount"`
	RefundStatus RefundStatus `json:"refundStatus"`
}

// Refund asks for a refund (POST /api/sbp/v1/refund). On ErrUnknownOutcome look it up with
// RefundStatus by the same RefundID before trying again with that same RefundID.
func (cl *Client) Refund(ctx context.Context, in RefundInput) (Refund, error) {
	if err := in.Validate(); err != nil {
		return Refund{}, err
	}
	req := refundRequest{Order: in.OrderID, RefundID: in.RefundID, Amount: rubles(in.Amount),
		PaymentDetails: in.Purpose, TransactionID: in.TransactionID}
	var ans refundAnswer
	err := cl.do(ctx, call{op: "refund", method: http.MethodPost, path: "/api/sbp/v1/refund",
		body: req, auth: true, mutating: true}, &ans)
	if err != nil {
		return Refund{}, err
	}
	return ans.toRefund("refund")
}

// RefundStatus reads a refund by our refund id (GET /api/sbp/v1/refund/{refundId}).
func (cl *Client) RefundStatus(ctx context.Context, refundID string) (Refund, error) {
	if err := checkOrderID("refund id", refundID); err != nil {
		return Refund{}, err
	}
	var ans refundAnswer
	path := "/api/sbp/v1/refund/" + url.PathEscape(refundID)
	if err := cl.do(ctx, call{op: "refund status", method: http.MethodGet, path: path, auth: true}, &ans); err != nil {
		return Refund{}, err
	}
	return ans.toRefund("refund status")
}

func (a refundAnswer) toRefund(op string) (Refund, error) {
	if a.RefundStatus == "" {
		return Refund{}, fmt.Errorf("%w: %s: no refundStatus", ErrBadResponse, op)
	}
	return Refund{Amount: decimal.Decimal(a.Amount), Status: a.RefundStatus}, nil
}
