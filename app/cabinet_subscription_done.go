package app

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/subscriptions"
)

// cabinetSubscriptionDone is where a payment started in the cabinet (a new card, a switch of
// route) brings the client back, and the «проверить» link of a payment in a bank's app: the
// payment is read back at once, and the client lands on the subscription with what came of it.
func (a *App) cabinetSubscriptionDone(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if id := a.recur.subs.OpenCharge(ctx, sub); id != "" {
		if _, err := a.recur.subs.Refresh(ctx, id); err != nil {
			a.log.WarnContext(ctx, "subscription payment check failed", "charge_id", id, "error", err.Error())
		}
	}
	charges, err := a.recur.subs.Charges(ctx, sub.ID)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/cabinet/subscriptions?notice="+paymentNotice(sub, charges)+"#sub-"+strconv.FormatInt(sub.ID, 10))
}

// paymentNotice says what came of the client's latest payment of the subscription (before the
// check, the subscription was sub).
func paymentNotice(sub subscriptions.Subscription, charges []subscriptions.Charge) string {
	var last *subscriptions.Charge
	for i := range charges {
		if ch := &charges[i]; ch.CustomerInitiated && ch.Seq > 0 && (last == nil || ch.UpdatedAt.After(last.UpdatedAt)) {
			last = ch
		}
	}
	switch {
	case last == nil:
		return ""
	case last.Status == subscriptions.ChargeSucceeded && last.Route != sub.Route:
		return "route_changed"
	case last.Status == subscriptions.ChargeSucceeded:
		return "sub_paid"
	case last.Status == subscriptions.ChargePending || last.Status == subscriptions.ChargeUnknown:
		return "pay_wait"
	}
	return "pay_failed"
}
