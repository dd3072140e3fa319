package subscriptions

import (
	"context"
	"errors"
	"fmt"

	"b24pay/billing/yookassa"
)

// YooKassa is the card gateway over the YooKassa API (reference §c.3–c.5).
type YooKassa struct{ Client *yookassa.Client }

// Pay creates a payment under key.
func (y YooKassa) Pay(ctx context.Context, key string, req PayRequest) (PayResult, error) {
	in := yookassa.CreatePayment{Amount: yookassa.NewAmount(req.Amount, req.Currency), Capture: true,
		Description: req.Description, Metadata: req.Metadata}
	if req.MethodID != "" {
		in.PaymentMethodID = req.MethodID
	} else {
		in.PaymentMethodData = &yookassa.PaymentMethodData{Type: "bank_card"}
		in.SavePaymentMethod = true
		in.Confirmation = &yookassa.Confirmation{Type: "redirect", ReturnURL: req.ReturnURL}
	}
	p, err := y.Client.CreatePayment(ctx, key, in)
	if err != nil {
		return refusal(err)
	}
	return result(p), nil
}

// Get reads a payment back.
func (y YooKassa) Get(ctx context.Context, ref string) (PayResult, error) {
	p, err := y.Client.GetPayment(ctx, ref)
	if errors.Is(err, yookassa.ErrUnknownOutcome) || errors.Is(err, yookassa.ErrServer) {
		return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	if err != nil {
		return PayResult{}, err
	}
	return result(p), nil
}

// refusal maps an error: unknown outcomes stay unknown; a refused saved method is a hard decline
// (it cannot be charged again); any other refusal is a soft failure with the API's code.
func refusal(err error) (PayResult, error) {
	if errors.Is(err, yookassa.ErrUnknownOutcome) || errors.Is(err, yookassa.ErrRateLimited) {
		return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	var apiErr *yookassa.APIError
	if errors.As(err, &apiErr) && apiErr.Parameter == "payment_method_id" {
		return PayResult{Status: ChargeDeclined, Reason: "payment_method_unavailable"}, nil
	}
	if errors.As(err, &apiErr) {
		return PayResult{Status: ChargeFailed, Reason: apiErr.Code}, nil
	}
	return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
}

func result(p yookassa.Payment) PayResult {
	r := PayResult{Ref: p.ID, MethodID: p.SavedMethodID()}
	if p.Confirmation != nil {
		r.ConfirmURL = p.Confirmation.ConfirmationURL
	}
	if p.PaymentMethod != nil && p.PaymentMethod.Card != nil {
		r.Card = "•••• " + p.PaymentMethod.Card.Last4
	}
	switch p.Status {
	case yookassa.StatusSucceeded:
		r.Status = ChargeSucceeded
	case yookassa.StatusCanceled:
		r.Status = ChargeFailed
		if p.CancellationDetails != nil {
			r.Reason = p.CancellationDetails.Reason
		}
		if yookassa.HardDecline(r.Reason) {
			r.Status = ChargeDeclined
		}
	default: // pending, waiting_for_capture
		r.Status = ChargePending
	}
	return r
}
