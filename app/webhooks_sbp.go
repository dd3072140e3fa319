package app

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
)

// sbpWebhook handles the bank's payment callback. The bank retries anything but HTTP 200 for a
// day, so permanent refusals (unknown order, wrong amount) are answered 200 and logged, a bad
// signature or body 400, and our own failures 503 so the callback comes again.
func (a *App) sbpWebhook(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
	if err != nil {
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"status": "error", "code": "too_large"})
		return
	}
	outcome := a.payments.Receive(c.Request.Context(), "sbp", c.Request.Header, body)
	switch outcome {
	case billing.OutcomeOK, billing.OutcomeUnknownPayment, billing.OutcomeWrongAmount, billing.OutcomeForeign:
		c.JSON(http.StatusOK, gin.H{"status": "ok", "code": string(outcome)})
	case billing.OutcomeBadSignature, billing.OutcomeMalformed:
		c.JSON(http.StatusBadRequest, gin.H{"status": "error", "code": string(outcome)})
	default:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "error", "code": string(outcome)})
	}
}
