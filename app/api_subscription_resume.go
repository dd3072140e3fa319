package app

import "github.com/gin-gonic/gin"

// apiResumeSubscription ends the pause of the tab's subscription today.
func (a *App) apiResumeSubscription(c *gin.Context) {
	sub, ok := a.tabSubscription(c)
	if !ok {
		return
	}
	sub, err := a.recur.subs.Resume(c.Request.Context(), sub.MemberID, sub.ID)
	subscriptionChanged(c, sub, err)
}
