package app

import "github.com/gin-gonic/gin"

// apiCancelSubscription cancels the tab's subscription now, or at the end of the paid period
// when at_period_end is set (an empty body cancels now).
func (a *App) apiCancelSubscription(c *gin.Context) {
	sub, ok := a.tabSubscription(c)
	if !ok {
		return
	}
	var f struct {
		AtPeriodEnd bool `json:"at_period_end"`
	}
	if !decodeChange(c, &f) {
		return
	}
	sub, err := a.recur.subs.Cancel(c.Request.Context(), sub.MemberID, sub.ID, f.AtPeriodEnd)
	subscriptionChanged(c, sub, err)
}
