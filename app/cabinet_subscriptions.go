package app

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/schedules"
	"b24pay/subscriptions"
	"b24pay/templates"
)

var (
	subscriptionLabel = map[string]string{subscriptions.StatusAwaitingConsent: "Ждёт вашего согласия",
		subscriptions.StatusActive: "Действует", subscriptions.StatusPastDue: "Списание не прошло",
		subscriptions.StatusPaused: "Приостановлена", subscriptions.StatusSuspended: "Остановлена: нужна новая карта",
		subscriptions.StatusCancelled: "Отменена", subscriptions.StatusEnded: "Завершена"}
	chargeLabel = map[string]string{subscriptions.ChargePending: "Ожидает оплаты", subscriptions.ChargeUnknown: "Проверяем",
		subscriptions.ChargeSucceeded: "Оплачен", subscriptions.ChargeFailed: "Не прошёл, повторим",
		subscriptions.ChargeDeclined: "Отклонён банком", subscriptions.ChargeVoid: "Не списывался",
		subscriptions.ShownRefunded: "Возвращён", subscriptions.ShownPartiallyRefunded: "Частично возвращён"}
)

// clientSubscriptions are the subscriptions of the account's card (none before it is matched).
func (a *App) clientSubscriptions(c *gin.Context) ([]subscriptions.Subscription, error) {
	acct := accountOf(c)
	if !acct.Shows() {
		return nil, nil
	}
	return a.recur.subs.ForClient(c.Request.Context(), acct.MemberID, acct.B24Type, acct.B24ID)
}

// cabinetSubscriptions lists the client's subscriptions with their charges and what may be done.
func (a *App) cabinetSubscriptions(c *gin.Context) {
	a.renderSubscriptions(c, http.StatusOK, nil)
}

func (a *App) renderSubscriptions(c *gin.Context, status int, errs map[string]string) {
	list, err := a.clientSubscriptions(c)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	p := a.cabinetPage(c, "Подписки", "subscriptions")
	p.Unmatched, p.Today, p.Notice = !accountOf(c).Shows(), a.today(), noticeText[c.Query("notice")]
	if errs != nil {
		p.Errors = errs
	}
	for _, sub := range list {
		v, err := a.subscriptionView(c, sub)
		if err != nil {
			a.cabinetFail(c, err)
			return
		}
		p.Subscriptions = append(p.Subscriptions, v)
	}
	a.render(c, status, "cabinet_subscriptions.html", p)
}

func (a *App) subscriptionView(c *gin.Context, sub subscriptions.Subscription) (templates.CabinetSubscription, error) {
	st := sub.Status
	live := st == subscriptions.StatusActive || st == subscriptions.StatusPaused || st == subscriptions.StatusPastDue ||
		st == subscriptions.StatusSuspended
	v := templates.CabinetSubscription{ID: sub.ID, Title: sub.Title, Status: st, StatusLabel: subscriptionLabel[st],
		Amount: subscriptions.Human(sub.AmountMinor, sub.Currency), Period: sub.PeriodText(), End: sub.EndText(),
		Paid: strconv.Itoa(sub.PaidCount), PaidTotal: subscriptions.Human(sub.PaidMinor, sub.Currency), Method: methodText(sub),
		CancelAtPeriodEnd: sub.CancelAtPeriodEnd, Link: a.recur.subs.PageURL(sub),
		CanPause:  st == subscriptions.StatusActive && !sub.CancelAtPeriodEnd,
		CanResume: st == subscriptions.StatusPaused, CanCancel: live || st == subscriptions.StatusAwaitingConsent,
		CanCancelAtEnd: (st == subscriptions.StatusActive || st == subscriptions.StatusPaused) && !sub.CancelAtPeriodEnd,
		CanReplaceCard: st == subscriptions.StatusPastDue || st == subscriptions.StatusSuspended,
		CanContinue:    st == subscriptions.StatusAwaitingConsent}
	if sub.EndKind == subscriptions.EndCount {
		v.Paid += " из " + strconv.Itoa(sub.EndCount)
	}
	if (st == subscriptions.StatusActive || st == subscriptions.StatusPastDue) && !sub.CancelAtPeriodEnd {
		// while paused the next date depends on the pause's end: the pause is shown instead
		v.NextCharge = schedules.ISODateRU(sub.NextChargeOn)
	}
	if st == subscriptions.StatusPaused {
		v.PauseFrom, v.PauseUntil = schedules.ISODateRU(sub.PauseFrom), schedules.ISODateRU(sub.PauseUntil)
	}
	charges, err := a.recur.subs.Charges(c.Request.Context(), sub.ID)
	if err != nil {
		return v, err
	}
	if v.Switching = a.pendingSwitch(sub, charges); v.Switching != nil {
		v.CanReplaceCard = false // the owed period is being paid on the new route
	} else if o, ok := a.recur.subs.SwitchOffer(sub); ok {
		v.Switch = a.switchView(sub, o)
	}
	for i := len(charges) - 1; i >= 0; i-- { // newest period first
		ch := charges[i]
		row := templates.CabinetCharge{Period: schedules.ISODateRU(ch.PeriodStart), Amount: subscriptions.Human(ch.AmountMinor, ch.Currency),
			Status: chargeStatusText(ch)}
		if ch.Shown() == subscriptions.ShownPartiallyRefunded {
			row.Status += ": " + subscriptions.Human(ch.RefundedMinor, ch.Currency)
		}
		if ch.SettledAt != nil {
			row.Date = ch.SettledAt.In(a.cfg.Timezone).Format("02.01.2006")
		}
		if ch.Status == subscriptions.ChargeSucceeded {
			row.Receipt = "/cabinet/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/charges/" + strconv.Itoa(ch.Seq) + "/receipt"
		}
		v.Charges = append(v.Charges, row)
	}
	return v, nil
}

// chargeStatusText is a charge's status for the client and the manager, with what was paid of an
// invoice paid in part and the remainder, or an overpayment.
func chargeStatusText(ch subscriptions.Charge) string {
	switch {
	case ch.PartlyPaid():
		return fmt.Sprintf("Оплачен частично: %s из %s, остаток %s", subscriptions.Human(ch.PaidMinor, ch.Currency),
			subscriptions.Human(ch.AmountMinor, ch.Currency), subscriptions.Human(ch.OwedMinor(), ch.Currency))
	case ch.Status == subscriptions.ChargeSucceeded && ch.PaidMinor > ch.AmountMinor:
		return chargeLabel[ch.Shown()] + ", переплата " + subscriptions.Human(ch.PaidMinor-ch.AmountMinor, ch.Currency)
	}
	return chargeLabel[ch.Shown()]
}

// cabinetSubscription is the subscription named in the path if it is the client's; another
// client's id answers 404, as an unknown one.
func (a *App) cabinetSubscription(c *gin.Context) (subscriptions.Subscription, bool) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	list, err := a.clientSubscriptions(c)
	if err != nil {
		a.cabinetFail(c, err)
		return subscriptions.Subscription{}, false
	}
	for _, sub := range list {
		if sub.ID == id {
			return sub, true
		}
	}
	a.cabinetMessage(c, http.StatusNotFound, "Подписка не найдена", "Такой подписки в вашем кабинете нет.")
	return subscriptions.Subscription{}, false
}
