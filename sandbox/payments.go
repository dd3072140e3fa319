package sandbox

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"b24pay/billing"
)

// OpenPayment is an order or QR a payer can act on at a provider.
type OpenPayment struct {
	ID          string    `json:"id"` // our payment id (the provider's merchant order id)
	Provider    string    `json:"provider"`
	Amount      string    `json:"amount"` // major units
	Paid        string    `json:"paid"`   // major units
	Currency    string    `json:"currency"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	PayURL      string    `json:"pay_url"` // the client's pay page of the service
	CreatedAt   time.Time `json:"created_at"`
}

// OpenPayments lists the pending payments, newest first.
func (s *Sandbox) OpenPayments(ctx context.Context) ([]OpenPayment, error) {
	var rows []billing.Payment
	err := s.app.DB().WithContext(ctx).Where("status = ?", billing.StatusPending).Order("created_at DESC").Find(&rows).Error
	out := make([]OpenPayment, 0, len(rows))
	for _, p := range rows {
		out = append(out, openPayment(p))
	}
	return out, err
}

func openPayment(p billing.Payment) OpenPayment {
	return OpenPayment{ID: p.ID, Provider: p.Provider, Amount: decimal.New(p.AmountMinor, -2).StringFixed(2),
		Paid: decimal.New(p.PaidMinor, -2).StringFixed(2), Currency: p.Currency,
		Description: p.Description, Status: p.Status, PayURL: p.PayURL, CreatedAt: p.CreatedAt}
}

func (s *Sandbox) payment(ctx context.Context, id string) (billing.Payment, error) {
	var p billing.Payment
	err := s.app.DB().WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if err != nil {
		return p, notFound("no payment %q", id)
	}
	return p, nil
}

// Payer actions at a provider.
const (
	ActionPay     = "pay"
	ActionDecline = "decline"
	ActionPartPay = "part-pay"
)

// Act has the payer pay, decline or part-pay the open payment id at its provider: the provider
// fake sends its real signed notification to the service, and the side effects are let through.
// partAmount (major units) is required for part-pay.
func (s *Sandbox) Act(ctx context.Context, id, action, partAmount string) (OpenPayment, error) {
	if action != ActionPay && action != ActionDecline && action != ActionPartPay {
		return OpenPayment{}, badRequest("unknown action %q: pay, decline or part-pay", action)
	}
	p, err := s.payment(ctx, id)
	if err != nil {
		return OpenPayment{}, err
	}
	if p.Status != billing.StatusPending {
		return openPayment(p), &actionError{http.StatusConflict, "payment " + id + " is " + p.Status + ", not open"}
	}
	amount := decimal.New(p.AmountMinor, -2)
	if action == ActionPartPay {
		part, err := decimal.NewFromString(partAmount)
		if err != nil || !part.IsPositive() || !part.LessThan(amount) {
			return openPayment(p), badRequest("part-pay needs an amount above 0 and below %s", amount.StringFixed(2))
		}
		amount = part
	}
	if err := s.provider(p, action, amount); err != nil {
		return openPayment(p), err
	}
	if err := s.settle(ctx); err != nil {
		return OpenPayment{}, err
	}
	p, err = s.payment(ctx, id)
	return openPayment(p), err
}

// provider performs the action at the payment's provider fake and waits for its notification.
func (s *Sandbox) provider(p billing.Payment, action string, amount decimal.Decimal) error {
	refuse := func(err error) error {
		if err == nil {
			return nil
		}
		return &actionError{http.StatusConflict, err.Error()}
	}
	switch {
	case p.Provider == "sbp" && action == ActionPay:
		_, err := s.bank.Pay(p.ID, amount)
		s.bank.WaitCallbacks()
		return refuse(err)
	case p.Provider == "sbp" && action == ActionDecline:
		_, err := s.bank.Decline(p.ID)
		s.bank.WaitCallbacks()
		return refuse(err)
	case p.Provider == "sbp":
		return refuse(errors.New("an SBP QR is paid in full or not at all"))
	case p.Provider == "invoicebox" && action == ActionDecline:
		return refuse(s.ib.Expire(p.ID)) // an invoice is not declined: it lapses; reconciliation learns it
	case p.Provider == "invoicebox" && (action == ActionPay || action == ActionPartPay):
		return refuse(s.ib.Pay(p.ID, amount)) // a short payment is reported as such in the notification
	case p.Provider == "yookassa" && action == ActionPay:
		_, err := s.shop.Pay(p.ProviderRef)
		s.shop.Wait()
		return refuse(err)
	case p.Provider == "yookassa" && action == ActionDecline:
		err := s.shop.Decline(p.ProviderRef, "insufficient_funds")
		s.shop.Wait()
		return refuse(err)
	case p.Provider == "yookassa":
		return refuse(errors.New("a card payment is confirmed in full or not at all"))
	}
	return badRequest("provider %q has no payer to simulate", p.Provider)
}
