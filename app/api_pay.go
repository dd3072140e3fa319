package app

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/billing"
	"b24pay/instalment"
)

// apiPay creates (or returns the open) payment of an instalment through a route.
func (a *App) apiPay(c *gin.Context) {
	id, ok := instalmentID(c)
	if !ok {
		return
	}
	var body struct {
		Provider  string `json:"provider"`
		TimeLimit string `json:"time_limit"` // optional, e.g. "15m", "24h"
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<12)).Decode(&body); err != nil {
		jsonError(c, http.StatusBadRequest, "bad_json", "Укажите способ оплаты")
		return
	}
	limit, ok := readTimeLimit(c, body.TimeLimit)
	if !ok {
		return
	}
	owner := ownerOf(c)
	if _, err := a.instalments.View(c.Request.Context(), owner); err != nil {
		apiError(c, err)
		return
	}
	if body.Provider == "invoicebox" && !a.b2bClient(c) {
		return
	}
	p, err := a.payments.PayWithin(c.Request.Context(), owner.MemberID, instalment.PayableKind, id, body.Provider, limit)
	switch {
	case errors.Is(err, billing.ErrProviderNotConfigured):
		jsonError(c, http.StatusNotFound, "provider_not_configured", "Этот способ оплаты не настроен")
	case errors.Is(err, billing.ErrCurrencyNotSupported):
		jsonError(c, http.StatusUnprocessableEntity, "currency_not_supported", "Этот способ оплаты не принимает валюту графика")
	case errors.Is(err, billing.ErrNothingToPay):
		jsonError(c, http.StatusConflict, "nothing_to_pay", "Платёж уже оплачен")
	case errors.Is(err, billing.ErrOutcomeUnknown):
		jsonError(c, http.StatusAccepted, "outcome_unknown", "Платёжная система не ответила вовремя; проверяем статус — повторите через минуту")
	case errors.Is(err, instalment.ErrNotFound), errors.Is(err, instalment.ErrNotEditable):
		apiError(c, err)
	case err != nil:
		_ = c.Error(err)
		jsonError(c, http.StatusBadGateway, "provider_refused", "Платёжная система не приняла счёт: "+err.Error())
	default:
		c.JSON(http.StatusOK, gin.H{"payment": paymentView(p)})
	}
}

// b2bClient tells whether the instalment's client may pay by an Invoicebox invoice (an
// organisation or an ИП, as withholdB2B decides for the tab); it answers the request itself when not.
func (a *App) b2bClient(c *gin.Context) bool {
	owner, err := a.instalments.LoadOwner(c.Request.Context(), ownerOf(c))
	if err != nil {
		apiError(c, err)
		return false
	}
	withheld := map[string]string{}
	if len(withholdB2B([]string{"invoicebox"}, withheld, owner.Client)) == 1 {
		return true
	}
	msg := withheld["invoicebox"]
	c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": msg,
		"fields": []fieldError{{Field: "provider", Code: "b2b_only", Message: msg, Reason: msg}}})
	return false
}

func paymentView(p *billing.Payment) gin.H {
	return gin.H{"id": p.ID, "provider": p.Provider, "status": p.Status, "amount": minorString(p.AmountMinor),
		"currency": p.Currency, "provider_url": p.PayURL, "pay_url": "/pay/" + p.PayToken, "expires_at": p.ExpiresAt}
}

func minorString(m int64) string { return minorToAmount(m).StringFixed(2) }

// minorToAmount turns kopecks into roubles (every currency we route has two decimals).
func minorToAmount(m int64) decimal.Decimal { return decimal.New(m, -2) }
