package app

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/subscriptions"
)

// cabinetCancelSubscription cancels the client's subscription now, or at the end of the paid
// period with when=period_end.
func (a *App) cabinetCancelSubscription(c *gin.Context) {
	sub, ok := a.cabinetSubscription(c)
	if !ok {
		return
	}
	atEnd := c.PostForm("when") == "period_end"
	_, err := a.recur.subs.Cancel(c.Request.Context(), sub.MemberID, sub.ID, atEnd)
	notice := "cancelled"
	if atEnd {
		notice = "cancel_at_end"
	}
	a.cabinetSubscriptionChanged(c, sub, err, notice)
}

// cabinetSubscriptionChanged answers a subscription action: back to the list with a notice, the
// form's mistake shown by its subscription, or a calm word when the state moved meanwhile.
func (a *App) cabinetSubscriptionChanged(c *gin.Context, sub subscriptions.Subscription, err error, notice string) {
	var fe *subscriptions.FieldError
	switch {
	case err == nil:
	case errors.As(err, &fe):
		a.renderSubscriptions(c, http.StatusUnprocessableEntity, map[string]string{fmt.Sprint(sub.ID): fe.Message})
		return
	case errors.Is(err, subscriptions.ErrIllegalTransition), errors.Is(err, subscriptions.ErrConflict),
		errors.Is(err, subscriptions.ErrNotFound):
		notice = "sub_state"
	case errors.Is(err, subscriptions.ErrGatewayUnavailable), errors.Is(err, subscriptions.ErrRouteUnavailable):
		notice = "wait"
	default:
		a.cabinetFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/cabinet/subscriptions?notice="+notice+"#sub-"+strconv.FormatInt(sub.ID, 10))
}
