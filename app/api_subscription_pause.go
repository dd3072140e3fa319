package app

import (
	"github.com/gin-gonic/gin"

	"b24pay/subscriptions"
)

// apiPauseSubscription pauses billing of the tab's subscription from one date to another
// (inclusive, YYYY-MM-DD).
func (a *App) apiPauseSubscription(c *gin.Context) {
	sub, ok := a.tabSubscription(c)
	if !ok {
		return
	}
	var f struct {
		From  string `json:"from"`
		Until string `json:"until"`
	}
	if !decodeChange(c, &f) {
		return
	}
	sub, err := a.recur.subs.Pause(c.Request.Context(), subscriptions.PauseInput{MemberID: sub.MemberID, ID: sub.ID,
		From: f.From, Until: f.Until})
	subscriptionChanged(c, sub, err)
}
