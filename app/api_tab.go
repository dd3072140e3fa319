package app

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/instalment"
	"b24pay/schedules"
)

const claimsKey = "tab_claims"

// tabAuth accepts API calls carrying a valid tab token of a deal or lead (Authorization: Bearer …).
func (a *App) tabAuth(c *gin.Context) { a.tabAuthOf(c, ownerTypes) }

// tabAuthOf accepts API calls carrying a valid tab token of one of the owner types.
func (a *App) tabAuthOf(c *gin.Context, types map[int]string) {
	raw, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		jsonError(c, http.StatusUnauthorized, "unauthorized", "Нет доступа — откройте вкладку из карточки Битрикс24")
		return
	}
	claims, err := a.tabs.verify(strings.TrimSpace(raw), a.clock.Now())
	switch {
	case errors.Is(err, ErrTokenExpired):
		jsonError(c, http.StatusUnauthorized, "token_expired", "Сессия вкладки истекла — обновите страницу")
		return
	case err != nil || !ownerTypeIn(types, claims.OwnerType):
		jsonError(c, http.StatusUnauthorized, "unauthorized", "Нет доступа — откройте вкладку из карточки Битрикс24")
		return
	}
	if err := a.checkGeneration(c.Request.Context(), claims); err != nil {
		a.refuseRevoked(c, err)
		return
	}
	c.Set(claimsKey, claims)
	c.Next()
}

func ownerTypeIn(types map[int]string, t string) bool {
	for _, v := range types {
		if v == t {
			return true
		}
	}
	return false
}

func claimsOf(c *gin.Context) TabClaims { return c.MustGet(claimsKey).(TabClaims) }

func ownerOf(c *gin.Context) instalment.Owner {
	cl := claimsOf(c)
	return instalment.Owner{MemberID: cl.MemberID, Type: cl.OwnerType, ID: cl.OwnerID}
}

func actorOf(c *gin.Context) instalment.Actor {
	cl := claimsOf(c)
	return instalment.Actor{UserID: cl.UserID, Name: strings.TrimSpace(cl.UserName)}
}

// apiTab returns the deal or lead, its schedule (or null) and form defaults.
func (a *App) apiTab(c *gin.Context) {
	ctx := c.Request.Context()
	owner, err := a.instalments.LoadOwner(ctx, ownerOf(c))
	if err != nil {
		apiError(c, err)
		return
	}
	view, err := a.instalments.View(ctx, ownerOf(c))
	if err != nil && !errors.Is(err, instalment.ErrNoSchedule) {
		apiError(c, err)
		return
	}
	pays, err := a.ownerPayments(c, view)
	if err != nil {
		apiError(c, err)
		return
	}
	first := a.clock.Now().In(a.cfg.Timezone).AddDate(0, 1, 0).Format("2006-01-02")
	currency := owner.Currency
	if view != nil {
		currency = view.Currency
	}
	routes, withheld := a.providerCodes(currency)
	routes = withholdB2B(routes, withheld, owner.Client)
	links, err := a.cardLinks(c)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"owner": owner, "schedule": view, "providers": routes, "providers_withheld": withheld, "payments": pays,
		"time_limits": a.timeLimitsView(owner, routes),
		"b24":         links, "defaults": gin.H{"total": owner.Amount, "currency": owner.Currency, "first": first, "period": "month", "count": 12}})
}

// cardLinks tells the tab how to open Bitrix24 cards: the portal's origin and the entity types of
// the instalment items and invoices. The tab opens /crm/type/{type}/details/{id}/ with BX24.openPath
// (sdk/bx24-js-sdk/additional-functions/bx24-open-path.md) or as a link outside Bitrix24.
func (a *App) cardLinks(c *gin.Context) (gin.H, error) {
	p, err := a.portals.Get(c.Request.Context(), claimsOf(c).MemberID)
	if err != nil {
		return nil, err
	}
	return gin.H{"origin": "https://" + p.Domain, "item_type": p.Provisioned().SPAEntityTypeID, "invoice_type": instalment.SmartInvoiceType}, nil
}

// apiSchedule returns the schedule and its payments only (no Bitrix24 calls): what the tab polls
// while items are being pushed.
func (a *App) apiSchedule(c *gin.Context) {
	view, err := a.instalments.View(c.Request.Context(), ownerOf(c))
	if err != nil && !errors.Is(err, instalment.ErrNoSchedule) {
		apiError(c, err)
		return
	}
	pays, err := a.ownerPayments(c, view)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"schedule": view, "payments": pays})
}

// readPlan decodes the plan body as a form (see decodeForm).
func readPlan(c *gin.Context) (schedules.Plan, bool) {
	var p schedules.Plan
	return p, decodeForm(c, 1<<20, &p)
}

func (a *App) apiPreview(c *gin.Context) {
	p, ok := readPlan(c)
	if !ok {
		return
	}
	built, err := a.instalments.Preview(c.Request.Context(), claimsOf(c).MemberID, p)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, built)
}

func (a *App) apiCreate(c *gin.Context) {
	p, ok := readPlan(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := p.Validate(); err != nil {
		apiError(c, err)
		return
	}
	owner, err := a.instalments.LoadOwner(ctx, ownerOf(c))
	if err != nil {
		apiError(c, err)
		return
	}
	view, err := a.instalments.Create(ctx, actorOf(c), *owner, p)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"schedule": view})
}

func (a *App) apiDelete(c *gin.Context) {
	if err := a.instalments.Delete(c.Request.Context(), actorOf(c), ownerOf(c)); err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"schedule": nil})
}

func instalmentID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		jsonError(c, http.StatusNotFound, "not_found", "Платёж не найден")
		return 0, false
	}
	return id, true
}

// editBody is an instalment edit: a new due date and/or amount.
type editBody struct {
	Due    schedules.Date  `json:"due"`
	Amount decimal.Decimal `json:"amount"`
}

// readEdit reads the instalment id and the edit; it answers the request itself on failure.
func readEdit(c *gin.Context) (int64, editBody, bool) {
	var body editBody
	id, ok := instalmentID(c)
	return id, body, ok && decodeForm(c, 1<<16, &body)
}

func (a *App) apiEdit(c *gin.Context) {
	id, body, ok := readEdit(c)
	if !ok {
		return
	}
	view, err := a.instalments.Edit(c.Request.Context(), actorOf(c), ownerOf(c), id, body.Due, body.Amount)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"schedule": view})
}

func (a *App) apiInvoice(c *gin.Context) {
	id, ok := instalmentID(c)
	if !ok {
		return
	}
	view, err := a.instalments.IssueInvoice(c.Request.Context(), actorOf(c), ownerOf(c), id)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"schedule": view})
}

// withholdB2B keeps Invoicebox (B2B invoices) for clients that are organisations or sole
// proprietors — a company, or anyone with an INN — and says why it is hidden otherwise.
func withholdB2B(routes []string, withheld map[string]string, client *instalment.ClientView) []string {
	if client != nil && (client.Type == "company" || client.INN != "") {
		return routes
	}
	kept := routes[:0:0]
	for _, code := range routes {
		if code != "invoicebox" {
			kept = append(kept, code)
			continue
		}
		withheld[code] = "Счёт Invoicebox — только для организаций и ИП: у клиента нет ИНН"
	}
	return kept
}
