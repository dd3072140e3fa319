package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/billing"
	"b24pay/instalment"
)

// ownerPayments lists the payments of the owner's schedules, a deleted one included (paid money and
// its refunds stay reachable), with the instalment each one is for.
func (a *App) ownerPayments(c *gin.Context, _ *instalment.View) ([]gin.H, error) {
	out := []gin.H{}
	if a.payments == nil {
		return out, nil
	}
	seqOf, err := a.instalments.PayableNumbers(c.Request.Context(), ownerOf(c))
	if err != nil {
		return out, err
	}
	ids := make([]int64, 0, len(seqOf))
	for id := range seqOf {
		ids = append(ids, id)
	}
	list, err := a.payments.ListFor(c.Request.Context(), instalment.PayableKind, ids)
	for i := range list {
		v := paymentView(&list[i])
		v["seq"], v["paid"], v["refunded"] = seqOf[list[i].PayableID], minorString(list[i].PaidMinor), minorString(list[i].RefundedMinor)
		v["created_at"] = list[i].CreatedAt
		out = append(out, v)
	}
	return out, err
}

// apiRefund returns part or all of a payment of the tab's schedule.
func (a *App) apiRefund(c *gin.Context) {
	var body struct {
		Amount decimal.Decimal `json:"amount"`
		Reason string          `json:"reason"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<12)).Decode(&body); err != nil || !body.Amount.IsPositive() {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": "Укажите сумму возврата",
			"fields": []fieldError{{Field: "amount", Code: "invalid", Message: "Укажите сумму возврата больше нуля"}}})
		return
	}
	p, ok := a.ownPayment(c)
	if !ok {
		return
	}
	reason := body.Reason
	if reason == "" {
		reason = fmt.Sprintf("возврат по решению %s", actorOf(c).Name)
	}
	amount, err := billing.ToMinor(body.Amount, p.Currency)
	if err != nil {
		jsonError(c, http.StatusUnprocessableEntity, "validation", "Проверьте сумму возврата: она не больше оплаченной и не дробнее копейки")
		return
	}
	_, err = a.payments.Refund(c.Request.Context(), p.ID, amount, reason)
	switch {
	case errors.Is(err, billing.ErrRefundExceedsPaid):
		jsonError(c, http.StatusUnprocessableEntity, "refund_exceeds_paid", "Нельзя вернуть больше, чем оплачено и ещё не возвращено")
	case errors.Is(err, billing.ErrIllegalTransition):
		jsonError(c, http.StatusConflict, "not_refundable", "Эту оплату нельзя вернуть: она не проведена")
	case errors.Is(err, billing.ErrUnknownOutcome), errors.Is(err, billing.ErrProviderNotConfigured):
		jsonError(c, http.StatusAccepted, "refund_pending", "Возврат записан; платёжная система ещё не подтвердила его — проверим автоматически")
	case err != nil:
		_ = c.Error(err)
		jsonError(c, http.StatusBadGateway, "provider_refused", "Платёжная система не приняла возврат: "+err.Error())
	default:
		markSaved(c)
		a.apiTab(c)
	}
}

// ownPayment reads the payment named in the path when it is for one of the tab owner's instalments;
// otherwise it answers the request itself (404 for another card's payment) and returns false.
func (a *App) ownPayment(c *gin.Context) (*billing.Payment, bool) {
	numbers, err := a.instalments.PayableNumbers(c.Request.Context(), ownerOf(c))
	if err != nil {
		apiError(c, err)
		return nil, false
	}
	p, err := a.payments.Get(c.Request.Context(), c.Param("id"))
	if err != nil || !paymentOf(numbers, p) {
		jsonError(c, http.StatusNotFound, "not_found", "Оплата не найдена")
		return nil, false
	}
	return p, true
}

// paymentOf tells whether a payment is for one of the owner's instalments.
func paymentOf(numbers map[int64]int, p *billing.Payment) bool {
	_, ok := numbers[p.PayableID]
	return ok && p.PayableKind == instalment.PayableKind
}
