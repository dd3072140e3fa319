package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing/invoicebox"
	"b24pay/billing/sbp"
)

// connectionProbeQR is a QR id no bank issued: asking for its state is the SBP API's cheapest
// authenticated call (GET /api/sbp/v2/qrs/{qrId}); «not found» proves the key was accepted.
const connectionProbeQR = "AD100000000000000000000000000000"

// checkConnection («Проверить подключение») asks a route's provider, with the settings in force,
// whether it accepts them, and shows the answer in Russian on the settings page.
func (a *App) checkConnection(c *gin.Context) {
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	cfg, err := a.effectiveBilling(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось прочитать настройки.")
		return
	}
	form := a.settingsForm(cfg, c.Query("token"))
	form.Notice = probeRoute(c.Request.Context(), cfg, c.PostForm("route"))
	a.renderAppPage(c, http.StatusOK, claims.MemberID, form)
}

// probeRoute makes the provider's cheapest authenticated call and says what came of it.
func probeRoute(ctx context.Context, cfg BillingConfig, route string) string {
	switch route {
	case "invoicebox":
		if !cfg.InvoiceboxEnabled() {
			return "Invoicebox не включён: сохраните его настройки."
		}
		client, err := invoicebox.New(cfg.invoiceboxConfig())
		if err == nil {
			err = client.CheckAuth(ctx)
		}
		if err != nil {
			return "Invoicebox: подключение не работает — " + err.Error()
		}
		return "Invoicebox: подключение работает, токен принят."
	case "sbp":
		if !cfg.SBPEnabled() {
			return "СБП не включена: сохраните её настройки."
		}
		client, err := sbp.New(cfg.sbpConfig())
		if err == nil {
			_, err = client.QRState(ctx, connectionProbeQR)
		}
		switch {
		case err == nil, errors.Is(err, sbp.ErrNotFound):
			return "СБП: подключение работает, банк принял ключ."
		case errors.Is(err, sbp.ErrUnauthorized):
			return "СБП: банк не принял секретный ключ."
		default:
			return "СБП: подключение не работает — " + err.Error()
		}
	}
	return "Неизвестный способ оплаты."
}
