package app

import "github.com/gin-gonic/gin"

// cabinetResumeSubscription ends the pause of the client's subscription today.
func (a *App) cabinetResumeSubscription(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	_, err := a.recur.subs.Resume(c.Request.Context(), sub.MemberID, sub.ID)
	a.cabinetSubscriptionChanged(c, sub, err, "resumed")
}
