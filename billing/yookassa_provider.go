package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"b24pay/billing/yookassa"
)

// YooKassa is the card route of subscriptions as billing sees it: refund-only. Card charges are
// debited by the subscriptions service with the saved card; billing returns their money
// (POST /v3/refunds, reference §c.6) through its refund state machine. New payments, lookups and
// notifications of this route belong to subscriptions.
type YooKassa struct{ client *yookassa.Client }

// NewYooKassa wraps a configured client.
func NewYooKassa(c *yookassa.Client) *YooKassa { return &YooKassa{client: c} }

// Name is the route's code.
func (*YooKassa) Name() string { return "yookassa" }

// Currencies: the card route takes roubles.
func (*YooKassa) Currencies() []string { return []string{"RUB"} }

// Create is refused: card payments are made by subscriptions.
func (*YooKassa) Create(context.Context, Order) (Created, error) { return Created{}, ErrRefundOnly }

// Lookup is refused: billing holds only succeeded card payments, never open ones.
func (*YooKassa) Lookup(context.Context, string, string) (State, error) {
	return State{}, ErrRefundOnly
}

// Cancel is refused for the same reason.
func (*YooKassa) Cancel(context.Context, string) error { return ErrRefundOnly }

// Inbound is refused: YooKassa's notifications go to the subscriptions' handler.
func (*YooKassa) Inbound(http.Header, []byte) (Notice, error) { return Notice{}, ErrRefundOnly }

// Refund sends POST /v3/refunds with our refund id as the Idempotence-Key (a repeat within its
// 24 hours gets the first answer), or reads a refund YooKassa already named back with
// GET /v3/refunds/{id}. A refund YooKassa answers pending is still in progress; canceled is a
// refusal with its cancellation reason.
func (p *YooKassa) Refund(ctx context.Context, r RefundRequest) (string, error) {
	var rf yookassa.Refund
	var err error
	if r.RefundRef != "" {
		rf, err = p.client.GetRefund(ctx, r.RefundRef)
	} else {
		rf, err = p.client.CreateRefund(ctx, r.RefundID, yookassa.CreateRefund{PaymentID: r.Ref,
			Amount: yookassa.NewAmount(r.Amount, r.Currency), Description: truncateRunes(r.Description, 250)})
	}
	var apiErr *yookassa.APIError
	switch {
	case errors.Is(err, yookassa.ErrUnknownOutcome) || errors.Is(err, yookassa.ErrRateLimited) || errors.Is(err, yookassa.ErrServer):
		return "", errors.Join(ErrUnknownOutcome, err)
	case errors.As(err, &apiErr) && r.RefundRef == "":
		return "", fmt.Errorf("yookassa refused the refund: %s: %s", apiErr.Code, apiErr.Description)
	case err != nil:
		return "", errors.Join(ErrUnknownOutcome, err)
	}
	switch rf.Status {
	case yookassa.RefundSucceeded:
		return rf.ID, nil
	case yookassa.RefundCanceled:
		reason := "canceled"
		if rf.CancellationDetails != nil {
			reason = rf.CancellationDetails.Reason
		}
		return rf.ID, fmt.Errorf("yookassa canceled the refund: %s", reason)
	}
	return rf.ID, ErrRefundInProgress
}
