package app

import (
	"cmp"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/schedules"
	"b24pay/subscriptions"
	"b24pay/templates"
)

// routeLabel names a payment route for the client.
var routeLabel = map[string]string{subscriptions.RouteCard: "Банковская карта", subscriptions.RouteSBP: "СБП",
	subscriptions.RouteInvoicebox: "Счёт"}

// methodText says how a subscription is paid now: «Банковская карта •••• 4444», «СБП».
func methodText(sub subscriptions.Subscription) string {
	label := cmp.Or(routeLabel[sub.Route], sub.Route)
	if sub.Route == subscriptions.RouteCard && sub.CardTitle != "" {
		return label + " " + sub.CardTitle
	}
	return label
}

// cabinetSwitchRoute moves the client's subscription to another payment route: with the consent
// for that route, the client pays the next (or the owed) period on it now, and the subscription
// moves once that payment succeeds (the subscriptions service's SwitchRoute).
func (a *App) cabinetSwitchRoute(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	url, err := a.recur.subs.SwitchRoute(c.Request.Context(), subscriptions.SwitchRouteInput{MemberID: sub.MemberID,
		ID: sub.ID, Route: c.PostForm("route"), Agreed: c.PostForm("consent") == "1", IP: c.ClientIP(),
		UserAgent: c.Request.UserAgent(), ReturnURL: a.cabinetReturnURL(sub)})
	if err != nil {
		a.cabinetSubscriptionChanged(c, sub, err, "")
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}

// cabinetReturnURL is where a payment started in the cabinet brings the client back.
func (a *App) cabinetReturnURL(sub subscriptions.Subscription) string {
	return a.cabinetBase() + "/cabinet/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/done"
}

// switchView is the offer to move sub to another route, with the consent text of each route.
func (a *App) switchView(sub subscriptions.Subscription, o subscriptions.RouteSwitch) *templates.CabinetRouteSwitch {
	t := a.recur.subs.Terms(sub)
	v := &templates.CabinetRouteSwitch{Amount: subscriptions.Human(o.AmountMinor, sub.Currency),
		Period: schedules.ISODateRU(o.PeriodStart), Owed: sub.Status != subscriptions.StatusActive}
	for _, r := range o.Routes {
		v.Routes = append(v.Routes, templates.CabinetSwitchRoute{Route: r, Label: cmp.Or(routeLabel[r], r),
			Consent: "Я согласен(на) на автоматическое списание " + t.Amount + " " + t.Period + " " +
				cmp.Or(paymentMethodText[r], "этим способом") + " в пользу " + t.Merchant +
				" на прежних условиях, начиная с этого платежа. Прежний способ оплаты больше не используется."})
	}
	return v
}

// pendingSwitch is the switch of route whose payment waits for the client, or nil.
func (a *App) pendingSwitch(sub subscriptions.Subscription, charges []subscriptions.Charge) *templates.CabinetPendingSwitch {
	for _, ch := range charges {
		if ch.Seq == sub.Seq && ch.Route != sub.Route && (ch.Status == subscriptions.ChargePending || ch.Status == subscriptions.ChargeUnknown) {
			return &templates.CabinetPendingSwitch{Label: cmp.Or(routeLabel[ch.Route], ch.Route), PayURL: ch.PayURL,
				CheckURL: "/cabinet/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/done"}
		}
	}
	return nil
}
