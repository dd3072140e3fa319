package app

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/instalment"
	"b24pay/subscriptions"
)

// subscriptionForm is the manager's form on the deal tab.
type subscriptionForm struct {
	Title       string           `json:"title"`
	Amount      decimal.Decimal  `json:"amount"`
	FirstAmount *decimal.Decimal `json:"first_amount"`
	Currency    string           `json:"currency"`
	PeriodUnit  string           `json:"period_unit"`
	PeriodEvery int              `json:"period_every"`
	Start       string           `json:"start"`
	EndKind     string           `json:"end_kind"`
	EndCount    int              `json:"end_count"`
	EndDate     string           `json:"end_date"`
	Route       string           `json:"route"`
	Email       string           `json:"email"`
}

// apiCreateSubscription creates a subscription for the tab's contact or company, or for the
// client of the tab's deal, and returns the link to send the client (consent and first payment).
func (a *App) apiCreateSubscription(c *gin.Context) {
	var f subscriptionForm
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<14)).Decode(&f); err != nil {
		jsonError(c, http.StatusBadRequest, "bad_json", "Не удалось прочитать форму")
		return
	}
	owner := ownerOf(c)
	if owner.Type == "lead" {
		jsonError(c, http.StatusUnprocessableEntity, "deal_only", "Подписку можно оформить из сделки, контакта или компании")
		return
	}
	ctx := c.Request.Context()
	clientID, ok := a.tabClient(c, owner)
	if !ok {
		return
	}
	client, err := a.recur.subs.ClientRef(ctx, owner.MemberID, clientID, f.Email)
	if err != nil {
		subscriptionError(c, err)
		return
	}
	var dealID int64
	if owner.Type == "deal" {
		dealID = owner.ID
	}
	sub, err := a.recur.subs.Create(ctx, subscriptions.CreateInput{MemberID: owner.MemberID, Client: client,
		DealID: dealID, ManagerID: claimsOf(c).UserID, Title: f.Title, Amount: f.Amount, FirstAmount: f.FirstAmount,
		Currency: f.Currency, PeriodUnit: f.PeriodUnit, PeriodEvery: f.PeriodEvery, Start: f.Start,
		EndKind: f.EndKind, EndCount: f.EndCount, EndDate: f.EndDate, Route: f.Route})
	if err != nil {
		subscriptionError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"subscription": gin.H{"id": sub.ID, "status": sub.Status,
		"link": a.recur.subs.PageURL(sub)}})
}

// subscriptionError maps the subscriptions domain's errors to HTTP; others go to apiError.
func subscriptionError(c *gin.Context, err error) {
	var fe *subscriptions.FieldError
	switch {
	case errors.As(err, &fe):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": fe.Message,
			"fields": []fieldError{{Field: fe.Field, Code: "invalid", Message: fe.Message}}})
	case errors.Is(err, subscriptions.ErrRefundExceedsPaid):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": "Сумма больше, чем осталось вернуть по списанию",
			"fields": []fieldError{{Field: "amount", Code: "exceeds_paid", Message: "Сумма больше, чем осталось вернуть по списанию",
				Reason: "Больше, чем осталось вернуть"}}})
	case errors.Is(err, subscriptions.ErrRouteUnavailable):
		jsonError(c, http.StatusConflict, "route_unavailable", "Способ оплаты подписки сейчас не подключён")
	case errors.Is(err, subscriptions.ErrNotFound):
		jsonError(c, http.StatusNotFound, "not_found", "Подписка не найдена")
	case errors.Is(err, subscriptions.ErrConflict), errors.Is(err, subscriptions.ErrIllegalTransition):
		jsonError(c, http.StatusConflict, "conflict", "Подписка уже в другом состоянии — обновите страницу")
	case errors.Is(err, subscriptions.ErrGatewayUnavailable):
		jsonError(c, http.StatusAccepted, "outcome_unknown", "Платёжная система не ответила вовремя; повторите через минуту")
	default:
		apiError(c, err)
	}
}

// tabClient is our copy of the tab's client: the deal's contact or company (read from the deal in
// the token's portal), or the tab's own contact or company (read from the portal, so it must
// exist there). It answers the request itself when there is none.
func (a *App) tabClient(c *gin.Context, owner instalment.Owner) (int64, bool) {
	ctx := c.Request.Context()
	if owner.Type == "deal" {
		info, err := a.instalments.LoadOwner(ctx, owner)
		if err != nil {
			apiError(c, err)
			return 0, false
		}
		if info.ClientID == nil {
			jsonError(c, http.StatusUnprocessableEntity, "no_client", "Укажите в сделке контакт или компанию клиента")
			return 0, false
		}
		return *info.ClientID, true
	}
	cl, err := a.b24.For(ctx, owner.MemberID)
	if err != nil {
		apiError(c, err)
		return 0, false
	}
	client, err := a.instalments.SyncClient(ctx, cl, owner.MemberID, owner.Type, owner.ID)
	if err != nil {
		apiError(c, err)
		return 0, false
	}
	return client.ID, true
}

// tabSubscription loads the subscription named in the path when it belongs to the tab's portal
// and to its deal (made from it) or its contact or company (the subscription's client); it
// answers 404 itself otherwise.
func (a *App) tabSubscription(c *gin.Context) (subscriptions.Subscription, bool) {
	owner := ownerOf(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		subscriptionError(c, subscriptions.ErrNotFound)
		return subscriptions.Subscription{}, false
	}
	ctx := c.Request.Context()
	sub, err := a.recur.subs.Get(ctx, owner.MemberID, id)
	if err == nil {
		var mine bool
		switch owner.Type {
		case "deal":
			mine = sub.DealID == owner.ID
		case "contact", "company":
			mine, err = a.recur.subs.OfClient(ctx, sub, owner.Type, owner.ID)
		}
		if err == nil && !mine {
			err = subscriptions.ErrNotFound
		}
	}
	if err != nil {
		subscriptionError(c, err)
		return sub, false
	}
	return sub, true
}

// subscriptionChanged answers a manager's change of a subscription with its new state.
func subscriptionChanged(c *gin.Context, sub subscriptions.Subscription, err error) {
	if err != nil {
		subscriptionError(c, err)
		return
	}
	v := gin.H{"id": sub.ID, "status": sub.Status, "pause_from": sub.PauseFrom,
		"pause_until": sub.PauseUntil, "cancel_at_period_end": sub.CancelAtPeriodEnd, "next_charge_on": sub.NextChargeOn}
	if m := sub.NextAmountMinor; m != nil {
		v["next_amount"], v["next_amount_needs_consent"] = subscriptions.Human(*m, sub.Currency), !sub.NextAmountConsented
	}
	c.JSON(http.StatusOK, gin.H{"subscription": v})
}

// decodeChange reads the optional JSON body of a manager's change; it answers 400 itself.
func decodeChange(c *gin.Context, v any) bool {
	if err := json.NewDecoder(c.Request.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		jsonError(c, http.StatusBadRequest, "bad_json", "Не удалось прочитать форму")
		return false
	}
	return true
}
