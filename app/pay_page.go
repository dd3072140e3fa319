package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/billing/sbp"
	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/templates"
)

// payPage is the public page of one payment: amount, purpose, QR or link, or its final state.
func (a *App) payPage(c *gin.Context) {
	p, err := a.payments.ByToken(c.Request.Context(), c.Param("token"))
	if errors.Is(err, billing.ErrPaymentNotFound) {
		a.renderError(c, http.StatusNotFound, "Платёж не найден", "Проверьте ссылку или обратитесь к менеджеру.")
		return
	}
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Попробуйте обновить страницу.")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	v := a.payView(p, c.Param("token"))
	if err := a.payParties(c.Request.Context(), p, &v); err != nil {
		_ = c.Error(err) // the page still lets the client pay
	}
	a.render(c, http.StatusOK, "pay.html", v)
}

func (a *App) payView(p *billing.Payment, token string) templates.PayPage {
	rub, _ := schedules.LookupCurrency(p.Currency)
	v := templates.PayPage{Amount: rub.Human(minorToAmount(p.AmountMinor)), Purpose: p.Description, Provider: p.Provider,
		PayURL: p.PayURL}
	expired := p.ExpiresAt != nil && !a.clock.Now().Before(*p.ExpiresAt)
	switch {
	case p.PaidMinor > 0:
		v.State = "paid"
		if p.SettledAt != nil {
			v.PaidAt = p.SettledAt.In(a.cfg.Timezone).Format("02.01.2006 15:04")
		}
	case p.Status == billing.StatusUnknown:
		v.State = "checking"
	case p.Status == billing.StatusPending && !expired && p.PayURL != "":
		v.State, v.ExpiresAt = "pay", a.deadline(p.ExpiresAt)
		if p.Provider == "sbp" {
			v.QRPath = "/pay/" + token + "/qr.png"
		}
	case expired || p.Status == billing.StatusExpired:
		v.State, v.ExpiresAt = "expired", a.deadline(p.ExpiresAt)
	default:
		v.State = "closed"
	}
	return v
}

// payParties adds the seller, the buyer and which instalment it is to a pay page.
func (a *App) payParties(ctx context.Context, p *billing.Payment, v *templates.PayPage) error {
	v.Seller = a.cfg.Recur.Merchant
	if v.Seller == "" {
		if pt, err := a.portals.Get(ctx, p.MemberID); err == nil {
			v.Seller = pt.Domain
		}
	}
	if p.PayableKind != instalment.PayableKind || a.instalments == nil {
		return nil
	}
	info, err := a.instalments.PayPageOf(ctx, p.MemberID, p.PayableID)
	if err != nil {
		return err
	}
	v.Part = fmt.Sprintf("Платёж %d из %d", info.Seq, info.Count)
	v.Due = schedules.ISODateRU(info.Due)
	if cl := info.Client; cl != nil {
		v.Buyer = &templates.Party{Name: cl.Name, INN: cl.INN, KPP: cl.KPP}
	}
	return nil
}

// deadline is a payment's time limit in the portal's time zone, e.g. «25.11.2026 12:00 MSK».
func (a *App) deadline(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(a.cfg.Timezone).Format("02.01.2006 15:04 MST")
}

// payQR renders the SBP link of an open payment as a PNG.
func (a *App) payQR(c *gin.Context) {
	p, err := a.payments.ByToken(c.Request.Context(), c.Param("token"))
	if err != nil || p.Provider != "sbp" || p.PayURL == "" || !billing.Open(p.Status) {
		c.Status(http.StatusNotFound)
		return
	}
	png, err := sbp.QRPNG(p.PayURL, 512)
	if err != nil {
		_ = c.Error(err)
		c.Status(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", png)
}
