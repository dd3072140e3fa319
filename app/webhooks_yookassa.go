package app

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing/yookassa"
	"b24pay/subscriptions"
)

// yookassaWebhook takes YooKassa's HTTP notifications (reference §c.6). They carry no signature:
// the source address must be in the allow-list, and the payment is then read back with a GET and
// only that answer is trusted. Anything but HTTP 200 makes YooKassa deliver again.
func (a *App) yookassaWebhook(c *gin.Context) {
	ctx := c.Request.Context()
	if a.recur.yookassa == nil {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"status": "error", "code": "route_not_configured"})
		return
	}
	if !a.recur.anyIP {
		if err := a.recur.ips.Allows(c.ClientIP()); err != nil {
			a.log.WarnContext(ctx, "yookassa notification refused", "error", err.Error())
			c.AbortWithStatus(http.StatusForbidden)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<16))
	if err != nil {
		c.AbortWithStatus(http.StatusRequestEntityTooLarge)
		return
	}
	n, err := yookassa.ParseNotification(body)
	if err != nil {
		c.AbortWithStatus(http.StatusBadRequest)
		return
	}
	if n.IsRefund() {
		c.Status(http.StatusOK) // charges are not refunded through this route
		return
	}
	p, err := a.recur.yookassa.VerifyPayment(ctx, n)
	if err != nil {
		a.log.WarnContext(ctx, "yookassa notification not verified", "object_id", n.ObjectID(), "error", err.Error())
		c.AbortWithStatus(http.StatusBadGateway)
		return
	}
	charge, err := a.recur.subs.ChargeByRef(ctx, p.ID)
	if errors.Is(err, subscriptions.ErrNotFound) {
		c.Status(http.StatusOK) // not a payment of ours
		return
	}
	if err == nil {
		_, err = a.recur.subs.Refresh(ctx, charge.ID)
	}
	if err != nil {
		_ = c.Error(err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Status(http.StatusOK)
}
