package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/instalment"
)

// cabinetPay opens (or reuses) the payment of one of the client's open instalments through the
// chosen route and sends the client to its pay page (SBP QR or the Invoicebox invoice).
func (a *App) cabinetPay(c *gin.Context) {
	acct := accountOf(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || !a.ownsInstalment(c, id) {
		a.cabinetMessage(c, http.StatusNotFound, "Платёж не найден", "Вернитесь к графику платежей и выберите платёж из списка.")
		return
	}
	p, err := a.payments.Pay(c.Request.Context(), acct.MemberID, instalment.PayableKind, id, c.PostForm("provider"))
	switch {
	case errors.Is(err, billing.ErrProviderNotConfigured), errors.Is(err, billing.ErrCurrencyNotSupported):
		c.Redirect(http.StatusSeeOther, "/cabinet/schedules?notice=route")
	case errors.Is(err, billing.ErrNothingToPay):
		c.Redirect(http.StatusSeeOther, "/cabinet/schedules?notice=nothing")
	case errors.Is(err, billing.ErrOutcomeUnknown):
		c.Redirect(http.StatusSeeOther, "/cabinet/schedules?notice=wait")
	case err != nil:
		a.cabinetFail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/pay/"+p.PayToken)
	}
}

// ownsInstalment tells whether the instalment belongs to one of the signed-in client's schedules.
func (a *App) ownsInstalment(c *gin.Context, id int64) bool {
	list, err := a.clientSchedules(c, accountOf(c))
	if err != nil {
		_ = c.Error(err)
		return false
	}
	for _, s := range list {
		for _, r := range s.Rows {
			if r.ID == id {
				return true
			}
		}
	}
	return false
}
