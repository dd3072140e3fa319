package app

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// cabinetReplaceCard sends the client to pay the unpaid period with a new card, which then
// replaces the old one (the subscriptions service's ReplaceCard, as on the public page); the
// client comes back to the cabinet.
func (a *App) cabinetReplaceCard(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	url, err := a.recur.subs.ReplaceCard(c.Request.Context(), sub.PayToken, a.cabinetReturnURL(sub))
	if err != nil {
		a.cabinetSubscriptionChanged(c, sub, err, "")
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}
