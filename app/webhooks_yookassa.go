package app

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/billing/yookassa"
	"b24pay/subscriptions"
)

// headerClientIP carries the notification's source address into the stored headers, where the
// allow-list check reads it (set by us; a value the sender put there is overwritten).
const headerClientIP = "X-B24pay-Client-Ip"

// yookassaWebhook takes YooKassa's HTTP notifications (reference §c.6). They carry no signature:
// the source address must be in the allow-list, and the payment is then read back with a GET and
// only that answer is trusted. The notification is stored raw in the payments inbox before it is
// answered; anything but HTTP 200 makes YooKassa deliver again.
func (a *App) yookassaWebhook(c *gin.Context) {
	if a.recur.yookassa == nil || a.payments == nil {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"status": "error", "code": "route_not_configured"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<16))
	if err != nil {
		c.AbortWithStatus(http.StatusRequestEntityTooLarge)
		return
	}
	header := c.Request.Header.Clone()
	header.Set(headerClientIP, c.ClientIP())
	switch outcome := a.payments.Receive(c.Request.Context(), "yookassa", header, body); outcome {
	case billing.OutcomeOK, billing.OutcomeUnknownPayment, billing.OutcomeWrongAmount, billing.OutcomeForeign:
		c.Status(http.StatusOK) // stored; refusals are kept for review
	case billing.OutcomeBadSignature:
		c.AbortWithStatus(http.StatusForbidden)
	case billing.OutcomeMalformed:
		c.AbortWithStatus(http.StatusBadRequest)
	default:
		c.AbortWithStatus(http.StatusInternalServerError)
	}
}

// yookassaInbox verifies and settles YooKassa notifications for the payments inbox.
type yookassaInbox struct{ r *recurring }

func (y yookassaInbox) Inbound(header http.Header, body []byte) (billing.Notice, error) {
	if !y.r.anyIP {
		if err := y.r.ips.Allows(header.Get(headerClientIP)); err != nil {
			return billing.Notice{}, errors.Join(billing.ErrBadSignature, err)
		}
	}
	n, err := yookassa.ParseNotification(body)
	if err != nil {
		return billing.Notice{}, errors.Join(billing.ErrMalformed, err)
	}
	// Refunds of charges are not followed through this route: stored, answered, nothing to do.
	return billing.Notice{PaymentID: n.ObjectID(), DedupKey: n.DedupKey(), Probe: n.IsRefund()}, nil
}

func (y yookassaInbox) Settle(ctx context.Context, notice billing.Notice, body []byte) (billing.Outcome, error) {
	if notice.Probe {
		return billing.OutcomeOK, nil
	}
	n, err := yookassa.ParseNotification(body)
	if err != nil {
		return billing.OutcomeMalformed, nil
	}
	p, err := y.r.yookassa.VerifyPayment(ctx, n)
	if errors.Is(err, yookassa.ErrNotificationMismatch) {
		return billing.OutcomeWrongAmount, nil
	}
	if err != nil {
		return billing.OutcomeRetry, err
	}
	charge, err := y.r.subs.ChargeByRef(ctx, p.ID)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return billing.OutcomeUnknownPayment, nil // not a payment of ours
	}
	if err == nil {
		_, err = y.r.subs.Refresh(ctx, charge.ID)
	}
	if err != nil {
		return billing.OutcomeRetry, err
	}
	return billing.OutcomeOK, nil
}
