package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/schedules"
	"b24pay/subscriptions"
)

// tabSubscriptionView is a subscription as the tab lists it, with its charges.
type tabSubscriptionView struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Status      string          `json:"status"`
	StatusLabel string          `json:"status_label"`
	Amount      string          `json:"amount"`
	Period      string          `json:"period"`
	Route       string          `json:"route"`
	Link        string          `json:"link"`
	Charges     []tabChargeView `json:"charges"`
}

// tabChargeView is one period's charge; Refundable is what may still be returned ("" when nothing).
type tabChargeView struct {
	Seq         int    `json:"seq"`
	Period      string `json:"period"`
	Amount      string `json:"amount"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Refunded    string `json:"refunded"`
	Refundable  string `json:"refundable"`
	Currency    string `json:"currency"`
}

// apiListSubscriptions lists the subscriptions of the tab's deal (made from it) or of its contact
// or company (the client's), newest first, with their charges.
func (a *App) apiListSubscriptions(c *gin.Context) {
	owner := ownerOf(c)
	ctx := c.Request.Context()
	var subs []subscriptions.Subscription
	var err error
	switch owner.Type {
	case "deal":
		subs, err = a.recur.subs.ForDeal(ctx, owner.MemberID, owner.ID)
	case "contact", "company":
		subs, err = a.recur.subs.ForClient(ctx, owner.MemberID, owner.Type, owner.ID)
	}
	if err != nil {
		apiError(c, err)
		return
	}
	out := make([]tabSubscriptionView, 0, len(subs))
	for _, sub := range subs {
		charges, err := a.recur.subs.Charges(ctx, sub.ID)
		if err != nil {
			apiError(c, err)
			return
		}
		out = append(out, tabSubscriptionView{ID: sub.ID, Title: sub.Title, Status: sub.Status,
			StatusLabel: managerSubscriptionLabel(sub.Status), Amount: subscriptions.Human(sub.AmountMinor, sub.Currency),
			Period: sub.PeriodText(), Route: sub.Route, Link: a.recur.subs.PageURL(sub), Charges: chargeViews(charges)})
	}
	c.JSON(http.StatusOK, gin.H{"subscriptions": out})
}

// chargeViews lists charges newest period first.
func chargeViews(charges []subscriptions.Charge) []tabChargeView {
	out := make([]tabChargeView, 0, len(charges))
	for i := len(charges) - 1; i >= 0; i-- {
		ch := charges[i]
		v := tabChargeView{Seq: ch.Seq, Period: schedules.ISODateRU(ch.PeriodStart), Currency: ch.Currency,
			Amount: subscriptions.Human(ch.AmountMinor, ch.Currency), Status: ch.Shown(), StatusLabel: chargeStatusText(ch)}
		if ch.RefundedMinor > 0 {
			v.Refunded = subscriptions.Human(ch.RefundedMinor, ch.Currency)
		}
		if left := ch.Refundable(); left.IsPositive() {
			v.Refundable = left.StringFixed(2)
		}
		out = append(out, v)
	}
	return out
}

// managerSubscriptionLabel is the cabinet's label of a status, told to the manager.
func managerSubscriptionLabel(status string) string {
	if status == subscriptions.StatusAwaitingConsent {
		return "Ждёт согласия клиента"
	}
	return subscriptionLabel[status]
}
