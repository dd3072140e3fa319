package app

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/templates"
)

var (
	routeLabels  = map[string]string{"sbp": "СБП", "invoicebox": "Счёт (Invoicebox)", "yookassa": "Карта"}
	paymentLabel = map[string]string{billing.StatusPending: "Ожидает оплаты", billing.StatusSucceeded: "Оплачен",
		billing.StatusFailed: "Не прошёл", billing.StatusExpired: "Срок истёк", billing.StatusCancelled: "Отменён",
		billing.StatusUnknown: "Проверяем", billing.StatusPartiallyRefunded: "Возвращён частично", billing.StatusRefunded: "Возвращён"}
)

// paidStatus: the payment was received (a refund later does not undo that it was paid).
func paidStatus(status string) bool {
	return status == billing.StatusSucceeded || status == billing.StatusPartiallyRefunded || status == billing.StatusRefunded
}

// clientPayments are the payments of the account's instalments, newest first, with what each paid for.
func (a *App) clientPayments(c *gin.Context) ([]billing.Payment, map[int64]string, error) {
	list, err := a.clientSchedules(c, accountOf(c))
	if err != nil {
		return nil, nil, err
	}
	what := map[int64]string{}
	var ids []int64
	for _, s := range list {
		for _, r := range s.Rows {
			ids = append(ids, r.ID)
			what[r.ID] = s.Title + ", платёж №" + strconv.Itoa(r.Seq)
		}
	}
	if len(ids) == 0 {
		return nil, what, nil
	}
	pays, err := a.payments.ListFor(c.Request.Context(), instalment.PayableKind, ids)
	return pays, what, err
}

// cabinetPayments is the history of the client's payments, newest first.
func (a *App) cabinetPayments(c *gin.Context) {
	pays, what, err := a.clientPayments(c)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	p := a.cabinetPage(c, "История платежей", "payments")
	p.Unmatched = !accountOf(c).Shows()
	for _, pay := range pays {
		cur, _ := schedules.LookupCurrency(pay.Currency)
		v := templates.CabinetPayment{
			Date: pay.CreatedAt.In(a.cfg.Timezone).Format("02.01.2006 15:04"), What: what[pay.PayableID],
			Amount: cur.Human(minorToAmount(pay.AmountMinor)), Route: routeLabels[pay.Provider],
			Status: paymentLabel[pay.Status], Link: "/pay/" + pay.PayToken}
		if paidStatus(pay.Status) {
			v.Receipt = "/cabinet/payments/" + pay.ID + "/receipt"
		}
		p.Payments = append(p.Payments, v)
	}
	a.render(c, http.StatusOK, "cabinet_payments.html", p)
}
