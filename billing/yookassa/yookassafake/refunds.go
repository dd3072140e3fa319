package yookassafake

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"
)

// Refund statuses (the refund object's `status`: pending, succeeded, canceled).
const (
	refundSucceeded = "succeeded"
	refundCanceled  = "canceled"
)

// createRefund: POST /v3/refunds. Only a succeeded payment can be refunded, and its refunds
// together never exceed its amount; a canceled refund returns nothing and does not count.
// The error texts are the fake's own (the reference names the 400 invalid_request answer, not
// its wording).
func (s *Shop) createRefund(_ *http.Request, body []byte) answer {
	var in createRefund
	if err := json.Unmarshal(body, &in); err != nil {
		return s.invalid("", "Request body is not valid JSON")
	}
	p, found := s.payments[in.PaymentID]
	if !found {
		return s.refuse(http.StatusNotFound, codeNotFound, "Payment not found", "payment_id")
	}
	value, refusal, bad := s.checkAmount(in.Amount)
	if bad {
		return refusal
	}
	if p.Status != statusSucceeded {
		return s.invalid("payment_id", "Payment is not succeeded") // fake's own
	}
	paid, refunded := decimal.RequireFromString(p.Amount.Value), decimal.RequireFromString(p.RefundedAmount.Value)
	if refunded.Add(value).GreaterThan(paid) {
		return s.invalid("amount.value", "Refund amount exceeds the amount available for refund") // fake's own
	}
	rf := &refund{ID: s.id(), PaymentID: p.ID, Status: refundSucceeded, Description: in.Description,
		Amount: amount{Value: value.StringFixed(2), Currency: in.Amount.Currency}, CreatedAt: stamp(s.now())}
	s.refunds[rf.ID] = rf
	if s.refundCancel != "" {
		rf.Status, rf.CancellationDetails = refundCanceled, &cancellation{Party: "yoo_kassa", Reason: s.refundCancel}
		return ok(rf) // the docs' events name refund.succeeded only (reference §c.6)
	}
	p.RefundedAmount.Value = refunded.Add(value).StringFixed(2)
	p.Refundable = refunded.Add(value).LessThan(paid)
	return answer{status: http.StatusOK, body: rf, notes: []notification{s.note("refund.succeeded", rf)}}
}

// getRefund: GET /v3/refunds/{id}.
func (s *Shop) getRefund(r *http.Request) answer {
	rf, found := s.refunds[r.PathValue("id")]
	if !found {
		return s.refuse(http.StatusNotFound, codeNotFound, "Refund not found", "refund_id")
	}
	return ok(rf)
}

// CancelRefunds makes later refunds end canceled with reason (e.g. insufficient_funds: the
// shop's balance cannot cover it); "" lets them succeed again.
func (s *Shop) CancelRefunds(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refundCancel = reason
}

// Refunds counts the refunds the shop holds for a payment, canceled ones included.
func (s *Shop) Refunds(paymentID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, rf := range s.refunds {
		if rf.PaymentID == paymentID {
			n++
		}
	}
	return n
}
