package app

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/billing"
	"b24pay/subscriptions"
)

// apiRefundSubscriptionCharge returns part or all of a paid charge (period :seq) of the tab's
// subscription through billing's refund path: 200 when the provider has returned it, 202 while it
// is pending (billing's reconciliation finishes it), 422 when more than is left of the charge is
// asked or the provider refused.
func (a *App) apiRefundSubscriptionCharge(c *gin.Context) {
	sub, ok := a.tabSubscription(c)
	if !ok {
		return
	}
	seq, err := strconv.Atoi(c.Param("seq"))
	if err != nil || seq < 0 {
		subscriptionError(c, subscriptions.ErrNotFound)
		return
	}
	var f struct {
		Amount decimal.Decimal `json:"amount"`
		Reason string          `json:"reason"`
	}
	if !decodeChange(c, &f) {
		return
	}
	r, err := a.recur.subs.RefundCharge(c.Request.Context(), subscriptions.RefundInput{MemberID: sub.MemberID,
		SubscriptionID: sub.ID, Seq: seq, Amount: f.Amount, Reason: clipText(f.Reason, 200), ManagerID: claimsOf(c).UserID})
	if err != nil && r == nil {
		subscriptionError(c, err)
		return
	}
	v := gin.H{"id": r.ID, "status": r.Status, "amount": subscriptions.Human(r.AmountMinor, sub.Currency)}
	switch r.Status {
	case billing.RefundSucceeded:
		c.JSON(http.StatusOK, gin.H{"refund": v})
	case billing.RefundFailed:
		v["message"] = "Платёжная система отказала в возврате: " + r.LastError
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "refund_refused", "message": v["message"], "refund": v})
	default:
		v["message"] = "Возврат принят и ждёт ответа платёжной системы; статус обновится сам"
		c.JSON(http.StatusAccepted, gin.H{"refund": v, "message": v["message"]})
	}
}

// clipText keeps at most n characters of s.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
