package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"b24pay/billing"
	"b24pay/billing/sbp"
)

// SBP is the SBP subscription gateway (account binding, reference §b.8; Raiffeisen-DGTL/ecom-API
// sbp_subscriptions.yml). The customer-initiated payment is a pay-and-bind QR: the payer pays the
// first period and agrees to later debits in their bank's app; the binding's id is the saved
// method. Later charges debit the binding with the attempt's key as the order id.
type SBP struct{ Client *sbp.Client }

// Refs name what a payment is at the bank: "qr/<qrId>/<binding>" or "sub/<binding>/<order>".
const (
	sbpQRRef     = billing.SBPBindQRRef
	sbpChargeRef = billing.SBPDebitRef
)

// Pay starts the first payment (a pay-and-bind QR) or debits the binding. A debit looks the order
// up first, so a repeat after a lost answer never debits twice.
func (g SBP) Pay(ctx context.Context, key string, req PayRequest) (PayResult, error) {
	if req.MethodID == "" {
		return g.payAndBind(ctx, key, req)
	}
	c, err := g.Client.BindingCharge(ctx, req.MethodID, key)
	if errors.Is(err, sbp.ErrNotFound) {
		c, err = g.Client.ChargeBinding(ctx, sbp.ChargeInput{BindingID: req.MethodID, OrderID: key,
			Amount: req.Amount, Purpose: clip(req.Description, 185)})
		if errors.Is(err, sbp.ErrAlreadyPaid) { // a concurrent repeat got there first
			c, err = g.Client.BindingCharge(ctx, req.MethodID, key)
		}
	}
	if err != nil {
		return sbpRefusal(err)
	}
	return sbpCharge(req.MethodID, c), nil
}

// payAndBind registers the pay-and-bind QR under key (order and binding id alike) unless the
// binding exists, and answers with the binding's QR: a repeat after a lost answer, or two
// concurrent ones, end on the one QR the bank tied to the binding first.
func (g SBP) payAndBind(ctx context.Context, key string, req PayRequest) (PayResult, error) {
	b, err := g.Client.BindingState(ctx, key)
	if errors.Is(err, sbp.ErrNotFound) {
		purpose := clip(req.Description, 185)
		_, err = g.Client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: key, Amount: req.Amount, Purpose: purpose,
			Binding: &sbp.BindingOffer{ID: key, Purpose: purpose}})
		if err != nil {
			return sbpRefusal(err)
		}
		b, err = g.Client.BindingState(ctx, key)
	}
	if err != nil {
		return PayResult{}, sbpUnknown(err)
	}
	return g.getQR(ctx, sbpQRRef+b.QR.ID+"/"+key, b.QR.ID, key)
}

// Get reads a payment back.
func (g SBP) Get(ctx context.Context, ref string) (PayResult, error) {
	switch {
	case strings.HasPrefix(ref, sbpQRRef):
		qrID, bindingID, _ := strings.Cut(strings.TrimPrefix(ref, sbpQRRef), "/")
		return g.getQR(ctx, ref, qrID, bindingID)
	case strings.HasPrefix(ref, sbpChargeRef):
		bindingID, order, _ := strings.Cut(strings.TrimPrefix(ref, sbpChargeRef), "/")
		c, err := g.Client.BindingCharge(ctx, bindingID, order)
		if err != nil {
			return PayResult{}, sbpUnknown(err)
		}
		return sbpCharge(bindingID, c), nil
	}
	return PayResult{}, fmt.Errorf("subscriptions: not an SBP payment reference %q", ref)
}

func (g SBP) getQR(ctx context.Context, ref, qrID, bindingID string) (PayResult, error) {
	info, err := g.Client.PaymentInfo(ctx, qrID)
	if err != nil {
		return PayResult{}, sbpUnknown(err)
	}
	r := PayResult{Ref: ref, Status: ChargePending}
	switch info.Status {
	case sbp.PaymentSuccess:
		// The binding id is the method even if the payer has not agreed (yet): a later debit by
		// an inactive binding is a hard decline, and the client binds again from the link.
		r.Status, r.MethodID, r.Card = ChargeSucceeded, bindingID, "СБП"
		return r, nil
	case sbp.PaymentDeclined:
		r.Status, r.Reason = ChargeFailed, "sbp_declined"
		return r, nil
	}
	st, err := g.Client.QRState(ctx, qrID)
	if err != nil {
		return PayResult{}, sbpUnknown(err)
	}
	if st.Status == sbp.QRExpired || st.Status == sbp.QRCancelled {
		r.Status, r.Reason = ChargeFailed, "expired"
		return r, nil
	}
	r.ConfirmURL = st.Payload
	return r, nil
}

func sbpCharge(bindingID string, c sbp.Charge) PayResult {
	r := PayResult{Ref: sbpChargeRef + bindingID + "/" + c.OrderID, Status: ChargePending}
	switch c.Status {
	case sbp.PaymentSuccess:
		r.Status = ChargeSucceeded
	case sbp.PaymentDeclined:
		r.Status, r.Reason = ChargeFailed, "sbp_declined"
	}
	return r
}

// sbpRefusal maps an error of a create: unknown outcomes stay unknown; a binding the bank does
// not know or will not debit (not agreed, revoked, subscriptions switched off) is a hard decline.
func sbpRefusal(err error) (PayResult, error) {
	if errors.Is(err, sbp.ErrUnknownOutcome) || errors.Is(err, sbp.ErrRateLimited) || errors.Is(err, sbp.ErrServer) {
		return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	var apiErr *sbp.APIError
	if errors.As(err, &apiErr) && (errors.Is(err, sbp.ErrNotFound) || errors.Is(err, sbp.ErrInvalidRequest)) {
		return PayResult{Status: ChargeDeclined, Reason: "sbp_binding_unavailable"}, nil
	}
	if errors.As(err, &apiErr) {
		return PayResult{Status: ChargeFailed, Reason: apiErr.Code}, nil
	}
	return PayResult{}, err // refused before calling: our own input is wrong
}

func sbpUnknown(err error) error {
	if errors.Is(err, sbp.ErrUnknownOutcome) || errors.Is(err, sbp.ErrServer) || errors.Is(err, sbp.ErrRateLimited) ||
		errors.Is(err, sbp.ErrTransport) {
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	return err
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
