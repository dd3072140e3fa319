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

// cabinetPayments is the history of the client's payments, newest first.
func (a *App) cabinetPayments(c *gin.Context) {
	acct := accountOf(c)
	list, err := a.clientSchedules(c, acct)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	what := map[int64]string{}
	var ids []int64
	for _, s := range list {
		for _, r := range s.Rows {
			ids = append(ids, r.ID)
			what[r.ID] = s.Title + ", платёж №" + strconv.Itoa(r.Seq)
		}
	}
	p := a.cabinetPage(c, "История платежей", "payments")
	p.Unmatched = !acct.Shows()
	if len(ids) > 0 {
		pays, err := a.payments.ListFor(c.Request.Context(), instalment.PayableKind, ids)
		if err != nil {
			a.cabinetFail(c, err)
			return
		}
		for _, pay := range pays { // newest first
			cur, _ := schedules.LookupCurrency(pay.Currency)
			p.Payments = append(p.Payments, templates.CabinetPayment{
				Date: pay.CreatedAt.In(a.cfg.Timezone).Format("02.01.2006 15:04"), What: what[pay.PayableID],
				Amount: cur.Human(minorToAmount(pay.AmountMinor)), Route: routeLabels[pay.Provider],
				Status: paymentLabel[pay.Status], Link: "/pay/" + pay.PayToken})
		}
	}
	a.render(c, http.StatusOK, "cabinet_payments.html", p)
}
