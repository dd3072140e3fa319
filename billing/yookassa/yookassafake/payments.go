package yookassafake

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"
)

// Statuses of a payment ([YK-PHP] PaymentStatus.php).
const (
	statusPending           = "pending"
	statusWaitingForCapture = "waiting_for_capture"
	statusSucceeded         = "succeeded"
	statusCanceled          = "canceled"
)

// createPayment: POST /v3/payments (reference §c.3 first payment, §c.4 saved method).
func (s *Shop) createPayment(r *http.Request, body []byte) answer {
	var in createPayment
	if err := json.Unmarshal(body, &in); err != nil {
		return s.invalid("", "Request body is not valid JSON") // fake's own wording
	}
	value, refusal, bad := s.checkAmount(in.Amount)
	if bad {
		return refusal
	}
	if in.PaymentMethodID != "" && (in.PaymentMethodData != nil || in.SavePaymentMethod) {
		return s.invalid("payment_method_id", "payment_method_id cannot be used with payment_method_data or save_payment_method")
	}
	if in.PaymentMethodID == "" && (in.Confirmation == nil || in.Confirmation.Type != "redirect" || in.Confirmation.ReturnURL == "") {
		return s.invalid("confirmation", "Confirmation with type redirect and return_url is required") // fake's own
	}
	p := &payment{ID: s.id(), Status: statusPending, Amount: amount{Value: value.StringFixed(2), Currency: in.Amount.Currency},
		Description: in.Description, Recipient: recipient{AccountID: s.cfg.ShopID, GatewayID: "100700"},
		CreatedAt: stamp(s.now()), Metadata: in.Metadata, Test: true, save: in.SavePaymentMethod}
	if p.Metadata == nil {
		p.Metadata = map[string]string{}
	}
	capture := in.Capture
	if in.PaymentMethodID == "" {
		p.Confirmation = &confirmation{Type: "redirect", ReturnURL: in.Confirmation.ReturnURL,
			ConfirmationURL: "https://yoomoney.ru/api-pages/v2/payment-confirm/epl?orderId=" + p.ID}
		if in.PaymentMethodData != nil {
			p.PaymentMethod = &paymentMethod{Type: in.PaymentMethodData.Type, ID: p.ID}
		}
		s.store(p)
		return ok(p)
	}
	reason, known := s.methods[in.PaymentMethodID]
	if !known {
		return s.invalid("payment_method_id", "Payment method is not available or not saved") // fake's own
	}
	p.PaymentMethod = s.savedMethod(in.PaymentMethodID)
	s.store(p)
	var notes []notification
	if reason != "" {
		notes = s.cancel(p, "payment_network", reason)
	} else {
		notes = s.authorise(p, capture)
	}
	return answer{status: http.StatusOK, body: p, notes: notes}
}

// checkAmount refuses what the API refuses: a missing, malformed, non-positive or over-precise
// amount, and (the fake's own limit) any currency but RUB.
func (s *Shop) checkAmount(a *amount) (decimal.Decimal, answer, bool) {
	if a == nil {
		return decimal.Zero, s.invalid("amount", "Amount is required"), true
	}
	d, err := decimal.NewFromString(a.Value)
	if err != nil || !d.IsPositive() || !d.Equal(d.Truncate(2)) {
		return decimal.Zero, s.invalid("amount.value", "Invalid amount value"), true
	}
	if a.Currency != "RUB" {
		return decimal.Zero, s.invalid("amount.currency", "Currency is not supported"), true
	}
	return d, answer{}, false
}

func (s *Shop) store(p *payment) {
	s.payments[p.ID] = p
	s.order = append(s.order, p.ID)
}

func (s *Shop) savedMethod(id string) *paymentMethod {
	return &paymentMethod{Type: "bank_card", ID: id, Saved: true, Title: "Bank card *4444",
		Card: &card{First6: "555555", Last4: "4444", ExpiryMonth: "07", ExpiryYear: "2030", CardType: "MasterCard"}}
}

// authorise moves a pending payment on as if the bank approved it.
func (s *Shop) authorise(p *payment, capture bool) []notification {
	p.Paid = true
	p.Confirmation = nil
	if !capture {
		p.Status = statusWaitingForCapture
		return []notification{s.note("payment.waiting_for_capture", p)}
	}
	return s.succeed(p)
}

func (s *Shop) succeed(p *payment) []notification {
	p.Status, p.Paid, p.Refundable = statusSucceeded, true, true
	p.CapturedAt = stamp(s.now())
	income := amount{Value: s.income(p.Amount.Value), Currency: p.Amount.Currency}
	p.IncomeAmount = &income
	p.RefundedAmount = &amount{Value: "0.00", Currency: p.Amount.Currency}
	return []notification{s.note("payment.succeeded", p)}
}

// income is the amount less a 3.5 % fee, rounded down to kopecks (the fee is the fake's own).
func (s *Shop) income(value string) string {
	d := decimal.RequireFromString(value)
	return d.Sub(d.Mul(decimal.RequireFromString("0.035")).RoundUp(2)).StringFixed(2)
}

func (s *Shop) cancel(p *payment, party, reason string) []notification {
	p.Status, p.Paid, p.Confirmation = statusCanceled, false, nil
	p.CancellationDetails = &cancellation{Party: party, Reason: reason}
	return []notification{s.note("payment.canceled", p)}
}

func (s *Shop) note(event string, object any) notification {
	b := encode(object) // a snapshot: later changes must not alter a queued notification
	return notification{Type: "notification", Event: event, Object: json.RawMessage(b)}
}

// getPayment: GET /v3/payments/{id}.
func (s *Shop) getPayment(r *http.Request) answer {
	p, found := s.payments[r.PathValue("id")]
	if !found {
		return s.refuse(http.StatusNotFound, codeNotFound, "Payment not found", "payment_id") // fake's own
	}
	return ok(p)
}

// capturePayment: POST /v3/payments/{id}/capture, only from waiting_for_capture.
func (s *Shop) capturePayment(r *http.Request, _ []byte) answer {
	p, found := s.payments[r.PathValue("id")]
	switch {
	case !found:
		return s.refuse(http.StatusNotFound, codeNotFound, "Payment not found", "payment_id")
	case p.Status != statusWaitingForCapture:
		return s.invalid("", "Payment is in status "+p.Status+" and cannot be captured") // fake's own
	}
	return answer{status: http.StatusOK, body: p, notes: s.succeed(p)}
}

// cancelPayment: POST /v3/payments/{id}/cancel, only from waiting_for_capture.
func (s *Shop) cancelPayment(r *http.Request, _ []byte) answer {
	p, found := s.payments[r.PathValue("id")]
	switch {
	case !found:
		return s.refuse(http.StatusNotFound, codeNotFound, "Payment not found", "payment_id")
	case p.Status != statusWaitingForCapture:
		return s.invalid("", "Payment is in status "+p.Status+" and cannot be canceled") // fake's own
	}
	return answer{status: http.StatusOK, body: p, notes: s.cancel(p, "merchant", "canceled_by_merchant")}
}
