package app

import (
	"github.com/gin-gonic/gin"

	"b24pay/subscriptions"
)

// cabinetPauseSubscription pauses the client's subscription from one date to another (inclusive).
func (a *App) cabinetPauseSubscription(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	_, err := a.recur.subs.Pause(c.Request.Context(), subscriptions.PauseInput{MemberID: sub.MemberID, ID: sub.ID,
		From: c.PostForm("from"), Until: c.PostForm("until")})
	a.cabinetSubscriptionChanged(c, sub, err, "paused")
}
