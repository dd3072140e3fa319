package yookassafake

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"
)

// createRefund: POST /v3/refunds. Refunds of a succeeded payment never exceed what is left of it.
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
	refunded := decimal.RequireFromString(p.RefundedAmount.Value)
	if refunded.Add(value).GreaterThan(decimal.RequireFromString(p.Amount.Value)) {
		return s.invalid("amount.value", "Refund amount exceeds the amount available for refund") // fake's own
	}
	p.RefundedAmount.Value = refunded.Add(value).StringFixed(2)
	p.Refundable = refunded.Add(value).LessThan(decimal.RequireFromString(p.Amount.Value))
	rf := &refund{ID: s.id(), PaymentID: p.ID, Status: "succeeded", Description: in.Description,
		Amount: amount{Value: value.StringFixed(2), Currency: in.Amount.Currency}, CreatedAt: stamp(s.now())}
	s.refunds[rf.ID] = rf
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
