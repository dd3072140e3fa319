package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"b24pay/billing/sbp"
	"b24pay/billing/yookassa"
)

// Refunder is a gateway that returns money of a succeeded charge. Refund must be idempotent by
// key (our refund id): asked again, it answers about the same refund, never makes a second one.
// A lost answer is ErrOutcomeUnknown; a refusal is a RefundFailed result.
type Refunder interface {
	Refund(ctx context.Context, key string, req RefundRequest) (RefundResult, error)
}

// RefundRequest returns Amount of the charge the gateway knows as ChargeRef. Ref is the refund's
// own reference when an earlier answer gave one.
type RefundRequest struct {
	ChargeRef   string
	Ref         string
	Amount      decimal.Decimal
	Currency    string
	Description string
}

// RefundResult is what the gateway says about a refund: Status is RefundPending, RefundSucceeded
// or RefundFailed (with the gateway's Reason).
type RefundResult struct {
	Ref    string
	Status string
	Reason string
}

// Refund sends POST /v3/refunds under key (the Idempotence-Key: a repeat within its 24 hours gets
// the first answer), or reads a refund YooKassa already named back with GET /v3/refunds/{id}.
func (y YooKassa) Refund(ctx context.Context, key string, req RefundRequest) (RefundResult, error) {
	var rf yookassa.Refund
	var err error
	if req.Ref != "" {
		rf, err = y.Client.GetRefund(ctx, req.Ref)
	} else {
		rf, err = y.Client.CreateRefund(ctx, key, yookassa.CreateRefund{PaymentID: req.ChargeRef,
			Amount: yookassa.NewAmount(req.Amount, req.Currency), Description: clip(req.Description, 250)})
	}
	var apiErr *yookassa.APIError
	switch {
	case errors.Is(err, yookassa.ErrUnknownOutcome) || errors.Is(err, yookassa.ErrRateLimited) || errors.Is(err, yookassa.ErrServer):
		return RefundResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	case errors.As(err, &apiErr) && req.Ref == "":
		return RefundResult{Status: RefundFailed, Reason: apiErr.Code + ": " + apiErr.Description}, nil
	case err != nil:
		return RefundResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	res := RefundResult{Ref: rf.ID, Status: RefundPending}
	switch rf.Status {
	case yookassa.RefundSucceeded:
		res.Status = RefundSucceeded
	case yookassa.RefundCanceled:
		res.Status, res.Reason = RefundFailed, "canceled"
		if rf.CancellationDetails != nil {
			res.Reason = rf.CancellationDetails.Reason
		}
	}
	return res, nil
}

// Refund asks the bank about the refund by our refund id first and creates it only when the bank
// does not know it (POST /api/sbp/v1/refund, reference §b.6), so a repeat after a lost answer
// never refunds twice.
func (g SBP) Refund(ctx context.Context, key string, req RefundRequest) (RefundResult, error) {
	order, err := sbpOrder(req.ChargeRef)
	if err != nil {
		return RefundResult{}, err
	}
	rf, err := g.Client.RefundStatus(ctx, key)
	if errors.Is(err, sbp.ErrNotFound) {
		rf, err = g.Client.Refund(ctx, sbp.RefundInput{OrderID: order, RefundID: key, Amount: req.Amount,
			Purpose: clip(req.Description, 140)})
		var apiErr *sbp.APIError
		if errors.As(err, &apiErr) && !errors.Is(err, sbp.ErrServer) && !errors.Is(err, sbp.ErrRateLimited) {
			return RefundResult{Status: RefundFailed, Reason: apiErr.Code}, nil
		}
	}
	if err != nil {
		return RefundResult{}, sbpUnknown(err)
	}
	res := RefundResult{Ref: key, Status: RefundPending}
	switch rf.Status {
	case sbp.RefundCompleted:
		res.Status = RefundSucceeded
	case sbp.RefundDeclined:
		res.Status, res.Reason = RefundFailed, "sbp_refund_declined"
	}
	return res, nil
}

// sbpOrder is the bank's order id of a charge: the pay-and-bind QR's order is the binding id,
// a debit by binding names its order.
func sbpOrder(ref string) (string, error) {
	switch {
	case strings.HasPrefix(ref, sbpQRRef):
		_, binding, _ := strings.Cut(strings.TrimPrefix(ref, sbpQRRef), "/")
		return binding, nil
	case strings.HasPrefix(ref, sbpChargeRef):
		_, order, _ := strings.Cut(strings.TrimPrefix(ref, sbpChargeRef), "/")
		return order, nil
	}
	return "", fmt.Errorf("subscriptions: not an SBP payment reference %q", ref)
}
