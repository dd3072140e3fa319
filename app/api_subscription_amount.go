package app

import (
	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/subscriptions"
)

// apiChangeSubscriptionAmount sets a new amount per period of the tab's subscription: from the
// next period, and above the consented amount only once the client agrees on their page.
func (a *App) apiChangeSubscriptionAmount(c *gin.Context) {
	sub, ok := a.tabSubscription(c)
	if !ok {
		return
	}
	var f struct {
		Amount decimal.Decimal `json:"amount"`
	}
	if !decodeChange(c, &f) {
		return
	}
	sub, err := a.recur.subs.ChangeAmount(c.Request.Context(), subscriptions.ChangeAmountInput{MemberID: sub.MemberID,
		ID: sub.ID, Amount: f.Amount})
	subscriptionChanged(c, sub, err)
}
