package app

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/billing/invoicebox"
)

// invoiceboxWebhook stores the notification raw, processes it and gives the documented answer
// (always HTTP 200; out_of_service makes Invoicebox deliver it again).
func (a *App) invoiceboxWebhook(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
	answer := invoicebox.OutOfService()
	if err == nil {
		switch a.payments.Receive(c.Request.Context(), "invoicebox", c.Request.Header, body) {
		case billing.OutcomeOK:
			answer = invoicebox.Success()
		case billing.OutcomeBadSignature:
			answer = invoicebox.SignatureError()
		case billing.OutcomeUnknownPayment, billing.OutcomeMalformed, billing.OutcomeForeign:
			answer = invoicebox.OrderNotFound()
		case billing.OutcomeWrongAmount:
			answer = invoicebox.OrderWrongAmount()
		}
	}
	c.Data(answer.HTTPStatus, invoicebox.ContentType, answer.Body())
}
