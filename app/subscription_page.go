package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/subscriptions"
	"b24pay/templates"
)

// subscriptionPage shows the client the terms and the consent form, or the subscription's state.
func (a *App) subscriptionPage(c *gin.Context) {
	sub, ok := a.subscriptionOf(c)
	if !ok {
		return
	}
	a.renderSubscription(c, http.StatusOK, sub, "")
}

// subscriptionAccept records consent and sends the client to pay the first period.
func (a *App) subscriptionAccept(c *gin.Context) {
	sub, ok := a.subscriptionOf(c)
	if !ok {
		return
	}
	url, err := a.recur.subs.Accept(c.Request.Context(), subscriptions.AcceptInput{Token: c.Param("token"),
		Agreed: c.PostForm("consent") == "1", IP: c.ClientIP(), UserAgent: c.Request.UserAgent()})
	a.redirectOr(c, sub, url, err)
}

// subscriptionAcceptAmount records the client's consent to a raised amount.
func (a *App) subscriptionAcceptAmount(c *gin.Context) {
	sub, ok := a.subscriptionOf(c)
	if !ok {
		return
	}
	_, err := a.recur.subs.AcceptAmount(c.Request.Context(), subscriptions.AcceptInput{Token: c.Param("token"),
		Agreed: c.PostForm("consent") == "1", IP: c.ClientIP(), UserAgent: c.Request.UserAgent()})
	a.redirectOr(c, sub, "/s/"+sub.PayToken, err)
}

// paidWithText says how a subscription is paid, by route: the saved card («Карта •••• 4444»), the
// bound account («СБП», with its bank when known) or the invoice («Счёт»); empty while no card or
// account is saved yet.
func paidWithText(sub subscriptions.Subscription) string {
	switch {
	case sub.Route == subscriptions.RouteInvoicebox:
		return "Счёт"
	case sub.CardTitle == "":
		return ""
	case sub.Route == subscriptions.RouteSBP:
		return strings.TrimSpace("СБП " + strings.TrimSpace(strings.TrimPrefix(sub.CardTitle, "СБП")))
	}
	return "Карта " + sub.CardTitle
}

// paymentMethodText names what the client lets us debit, by route.
var paymentMethodText = map[string]string{subscriptions.RouteCard: "с моей банковской карты",
	subscriptions.RouteSBP: "с моего банковского счёта через СБП"}

// subscriptionReplaceCard pays the unpaid period with a new card, which replaces the old one.
func (a *App) subscriptionReplaceCard(c *gin.Context) {
	sub, ok := a.subscriptionOf(c)
	if !ok {
		return
	}
	url, err := a.recur.subs.ReplaceCard(c.Request.Context(), c.Param("token"), "")
	a.redirectOr(c, sub, url, err)
}

// subscriptionCancel is the client cancelling from the page their e-mails link to.
func (a *App) subscriptionCancel(c *gin.Context) {
	if _, ok := a.subscriptionOf(c); !ok {
		return
	}
	if _, err := a.recur.subs.CancelByToken(c.Request.Context(), c.Param("token")); err != nil &&
		!errors.Is(err, subscriptions.ErrIllegalTransition) {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Попробуйте ещё раз.")
		return
	}
	c.Redirect(http.StatusSeeOther, "/s/"+c.Param("token"))
}

// subscriptionDone is where the gateway returns the client: the payment is read back at once.
func (a *App) subscriptionDone(c *gin.Context) {
	sub, ok := a.subscriptionOf(c)
	if !ok {
		return
	}
	if id := a.recur.subs.OpenCharge(c.Request.Context(), sub); id != "" {
		if _, err := a.recur.subs.Refresh(c.Request.Context(), id); err != nil {
			a.log.WarnContext(c.Request.Context(), "subscription payment check failed", "charge_id", id, "error", err.Error())
		}
	}
	c.Redirect(http.StatusSeeOther, "/s/"+c.Param("token"))
}

func (a *App) redirectOr(c *gin.Context, sub subscriptions.Subscription, url string, err error) {
	var fe *subscriptions.FieldError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, url)
	case errors.As(err, &fe):
		a.renderSubscription(c, http.StatusUnprocessableEntity, sub, fe.Message)
	case errors.Is(err, subscriptions.ErrConflict), errors.Is(err, subscriptions.ErrGatewayUnavailable):
		c.Redirect(http.StatusSeeOther, "/s/"+c.Param("token"))
	default:
		_ = c.Error(err)
		a.renderError(c, http.StatusBadGateway, "Платёжная система недоступна", "Попробуйте ещё раз через минуту.")
	}
}

func (a *App) subscriptionOf(c *gin.Context) (subscriptions.Subscription, bool) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	sub, err := a.recur.subs.ByToken(c.Request.Context(), c.Param("token"))
	switch {
	case errors.Is(err, subscriptions.ErrNotFound):
		a.renderError(c, http.StatusNotFound, "Подписка не найдена", "Проверьте ссылку или обратитесь к менеджеру.")
		return sub, false
	case err != nil:
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Попробуйте обновить страницу.")
		return sub, false
	}
	return sub, true
}

func (a *App) renderSubscription(c *gin.Context, status int, sub subscriptions.Subscription, problem string) {
	t := a.recur.subs.Terms(sub)
	v := templates.SubscriptionPage{Merchant: t.Merchant, Title: t.Title, Amount: t.Amount, FirstAmount: t.FirstAmount,
		Period: t.Period, Start: t.Anchor, End: t.End, PaidWith: paidWithText(sub), HowToCancel: t.HowToCancel,
		AmountRule: t.AmountRule, Method: paymentMethodText[sub.Route], AmountAction: "/s/" + sub.PayToken + "/amount",
		Action: "/s/" + sub.PayToken, CancelAction: "/s/" + sub.PayToken + "/cancel", Error: problem,
		CancelsAtPeriodEnd: sub.CancelAtPeriodEnd, Invoice: sub.Route == subscriptions.RouteInvoicebox}
	if m := sub.PendingAmount(); m != nil {
		v.NewAmount = subscriptions.Human(*m, sub.Currency)
	}
	switch sub.Status {
	case subscriptions.StatusAwaitingConsent:
		v.State = "consent"
		if a.recur.subs.OpenCharge(c.Request.Context(), sub) != "" && problem == "" {
			v.State = "waiting"
		}
	case subscriptions.StatusActive:
		v.State, v.NextDate = "active", a.recur.subs.NextDateText(sub)
	case subscriptions.StatusPastDue, subscriptions.StatusSuspended:
		v.State, v.Action = "past_due", "/s/"+sub.PayToken+"/card"
	case subscriptions.StatusPaused:
		v.State = "paused"
	default:
		v.State = "closed"
	}
	a.render(c, status, "subscription.html", v)
}
