package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
	"b24pay/schedules"
	"b24pay/subscriptions"
	"b24pay/templates"
)

// The cabinet's receipts: a printable payment confirmation of each paid instalment payment and
// subscription charge, shown as a page or (with ?download=1) saved as an HTML file. It is not the
// fiscal receipt (54-ФЗ), which the payment provider or the seller's cash register sends.

// cabinetPaymentReceipt confirms a paid payment of one of the client's instalments.
func (a *App) cabinetPaymentReceipt(c *gin.Context) {
	pays, what, err := a.clientPayments(c)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	for _, pay := range pays {
		if pay.ID != c.Param("id") || !paidStatus(pay.Status) {
			continue
		}
		cur, _ := schedules.LookupCurrency(pay.Currency)
		r := templates.CabinetReceipt{Number: pay.ID, What: what[pay.PayableID], Amount: cur.Human(minorToAmount(pay.PaidMinor)),
			Method: routeLabels[pay.Provider], ProviderRef: pay.ProviderRef, Date: a.receiptDate(pay.SettledAt, pay.UpdatedAt)}
		if pay.RefundedMinor > 0 {
			r.Refunded = cur.Human(minorToAmount(pay.RefundedMinor))
		}
		a.renderReceipt(c, r, pay.MemberID)
		return
	}
	a.cabinetMessage(c, http.StatusNotFound, "Квитанция не найдена", "Такого оплаченного платежа в вашем кабинете нет.")
}

// cabinetChargeReceipt confirms a paid charge of one of the client's subscriptions.
func (a *App) cabinetChargeReceipt(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	seq, _ := strconv.Atoi(c.Param("seq"))
	charges, err := a.recur.subs.Charges(c.Request.Context(), sub.ID)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	for _, ch := range charges {
		if ch.Seq != seq || ch.Status != subscriptions.ChargeSucceeded {
			continue
		}
		a.renderReceipt(c, templates.CabinetReceipt{Number: ch.ID, What: sub.Title + ", период с " + schedules.ISODateRU(ch.PeriodStart),
			Amount: subscriptions.Human(ch.AmountMinor, ch.Currency), Method: routeLabels["yookassa"], ProviderRef: ch.ProviderRef,
			Date: a.receiptDate(ch.SettledAt, ch.UpdatedAt)}, sub.MemberID)
		return
	}
	a.cabinetMessage(c, http.StatusNotFound, "Квитанция не найдена", "Такого оплаченного списания в вашем кабинете нет.")
}

func (a *App) receiptDate(settled *time.Time, fallback time.Time) string {
	if settled != nil {
		fallback = *settled
	}
	return fallback.In(a.cfg.Timezone).Format("02.01.2006 15:04")
}

// renderReceipt fills the seller and the payer and shows the confirmation.
func (a *App) renderReceipt(c *gin.Context, r templates.CabinetReceipt, memberID string) {
	acct := accountOf(c)
	r.Seller = a.cfg.Recur.Merchant
	if r.Seller == "" {
		if pt, err := a.portals.Get(c.Request.Context(), memberID); err == nil {
			r.Seller = pt.Domain
		}
	}
	r.Payer = acct.Name
	if acct.Kind != cabinet.KindPerson && acct.LegalName != "" {
		r.Payer, r.PayerINN = acct.LegalName, acct.INN
	}
	r.Download = c.Request.URL.Path + "?download=1"
	p := a.cabinetPage(c, "Подтверждение оплаты № "+r.Number, "payments")
	p.Receipt = &r
	if c.Query("download") == "1" {
		c.Header("Content-Disposition", `attachment; filename="receipt-`+r.Number+`.html"`)
	}
	a.render(c, http.StatusOK, "cabinet_receipt.html", p)
}
