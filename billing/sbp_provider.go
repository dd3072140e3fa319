package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"b24pay/billing/sbp"
)

// SBP is the instant-payment route: a dynamic QR per payment.
type SBP struct {
	client *sbp.Client
	cfg    sbp.Config
}

// NewSBP wraps a configured client.
func NewSBP(cfg sbp.Config) (*SBP, error) {
	c, err := sbp.New(cfg)
	if err != nil {
		return nil, err
	}
	return &SBP{client: c, cfg: cfg}, nil
}

// Name is the route's code.
func (*SBP) Name() string { return "sbp" }

// Currencies: SBP moves roubles only.
func (*SBP) Currencies() []string { return []string{"RUB"} }

// Create registers a dynamic QR for the payment; its NSPK link is the pay URL (and the QR's payload).
func (p *SBP) Create(ctx context.Context, o Order) (Created, error) {
	if err := Supports(p, o.Currency); err != nil {
		return Created{}, err // never a rouble QR for another currency's amount
	}
	expires := o.Now.Add(o.TimeLimit)
	qr, err := p.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: o.PaymentID, Amount: o.Amount, ExpiresAt: expires,
		Purpose: truncateRunes(o.Description, 185)})
	if err != nil {
		return Created{}, mapSBPError(err)
	}
	return Created{Ref: qr.ID, PayURL: qr.Payload, ExpiresAt: expires}, nil
}

// Lookup reads the QR's state. The bank answers only by QR id: a payment whose create answer
// was lost has no QR we know of, and nobody was shown one, so it counts as not created.
func (p *SBP) Lookup(ctx context.Context, _, ref string) (State, error) {
	if ref == "" {
		return State{}, ErrOrderNotFound
	}
	info, err := p.client.QRState(ctx, ref)
	if err != nil {
		return State{}, mapSBPError(err)
	}
	st := State{Ref: ref, Status: StatusPending}
	switch info.Status {
	case sbp.QRPaid:
		pay, err := p.client.PaymentInfo(ctx, ref)
		if err != nil {
			return State{}, mapSBPError(err)
		}
		st.Status, st.Paid = StatusSucceeded, pay.Amount
	case sbp.QRExpired:
		st.Status = StatusExpired
	case sbp.QRCancelled:
		st.Status = StatusCancelled
	}
	return st, nil
}

// Cancel withdraws an unpaid QR.
func (p *SBP) Cancel(ctx context.Context, ref string) error {
	return mapSBPError(p.client.CancelQR(ctx, ref))
}

// Refund asks the bank about the refund by our refund id first and creates it only when the bank
// does not know it (POST /api/sbp/v1/refund, reference §b.6: refundId is the idempotency and
// lookup key), so a repeat after a lost answer never refunds twice. IN_PROGRESS stays pending
// until the bank says COMPLETED; DECLINED, or a create the bank refuses, is a refusal.
func (p *SBP) Refund(ctx context.Context, r RefundRequest) (string, error) {
	rf, err := p.client.RefundStatus(ctx, r.RefundID)
	if errors.Is(err, sbp.ErrNotFound) {
		rf, err = p.client.Refund(ctx, sbp.RefundInput{OrderID: sbpOrder(r.PaymentID, r.Ref), RefundID: r.RefundID,
			Amount: r.Amount, Purpose: truncateRunes(r.Description, 140)})
		var apiErr *sbp.APIError
		if errors.As(err, &apiErr) && !errors.Is(err, sbp.ErrServer) && !errors.Is(err, sbp.ErrRateLimited) &&
			!errors.Is(err, sbp.ErrUnknownOutcome) {
			return "", fmt.Errorf("the bank refused the refund: %s", apiErr.Code)
		}
	}
	if err != nil {
		return "", errors.Join(ErrUnknownOutcome, err)
	}
	switch rf.Status {
	case sbp.RefundCompleted:
		return r.RefundID, nil
	case sbp.RefundDeclined:
		return r.RefundID, errors.New("the bank declined the refund")
	}
	return r.RefundID, ErrRefundInProgress
}

// Refs of SBP subscription payments (made by the subscriptions' SBP gateway, refunded here):
// "qr/<qrId>/<binding>" for the pay-and-bind QR, whose order id is the binding's id, and
// "sub/<binding>/<order>" for a debit by binding, which names its order.
const (
	SBPBindQRRef = "qr/"
	SBPDebitRef  = "sub/"
)

// sbpOrder is the bank's order id of a payment: ours for a QR billing registered, the one a
// subscription payment's ref names otherwise.
func sbpOrder(paymentID, ref string) string {
	switch {
	case strings.HasPrefix(ref, SBPBindQRRef):
		_, binding, _ := strings.Cut(strings.TrimPrefix(ref, SBPBindQRRef), "/")
		return binding
	case strings.HasPrefix(ref, SBPDebitRef):
		_, order, _ := strings.Cut(strings.TrimPrefix(ref, SBPDebitRef), "/")
		return order
	}
	return paymentID
}

// Inbound verifies X-Api-Signature-SHA256 and parses the callback.
func (p *SBP) Inbound(header http.Header, body []byte) (Notice, error) {
	n, err := sbp.ParseVerifiedNotification(body, header, p.cfg.SecretKey)
	switch {
	case errors.Is(err, sbp.ErrBadSignature) || errors.Is(err, sbp.ErrSignatureMissing):
		return Notice{}, errors.Join(ErrBadSignature, err)
	case err != nil:
		return Notice{}, errors.Join(ErrMalformed, err)
	}
	if n.SBPMerchantID != p.cfg.SBPMerchantID {
		return Notice{PaymentID: n.OrderID}, errors.Join(ErrForeign, sbp.ErrForeignMerchant)
	}
	status := StatusPending // a declined attempt leaves the QR payable
	if n.Status == sbp.PaymentSuccess {
		status = StatusSucceeded
	}
	return Notice{PaymentID: n.OrderID, Ref: n.QRID, Status: status, Amount: n.Amount, Currency: n.Currency,
		DedupKey: n.DedupKey}, nil
}

func mapSBPError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sbp.ErrUnknownOutcome):
		return errors.Join(ErrUnknownOutcome, err)
	case errors.Is(err, sbp.ErrNotFound):
		return errors.Join(ErrOrderNotFound, err)
	}
	return err
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
