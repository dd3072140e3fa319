package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/templates"
)

// ownerTypes maps the CRM entity type of a detail tab to our owner type.
var ownerTypes = map[int]string{1: "lead", 2: "deal"}

// clientTabTypes are the client cards whose «Подписки» tab manages the client's subscriptions
// (CRM_CONTACT_DETAIL_TAB, CRM_COMPANY_DETAIL_TAB: bitrix24/b24restdocs api-reference/widgets/crm/detail-tab.md).
var clientTabTypes = map[int]string{3: "contact", 4: "company"}

// subscriptionTabTypes are the tabs whose tokens the subscription API accepts: a lead's token is
// let in so that a lead's request for a subscription is told what is wrong (it is nobody's there).
var subscriptionTabTypes = map[int]string{1: "lead", 2: "deal", 3: "contact", 4: "company"}

// b24Placement renders the «График платежей» tab of a deal or lead, or the «Подписки» tab of a
// contact or company, after verifying the request with the portal.
func (a *App) b24Placement(c *gin.Context) {
	req, err := bitrix.ParseAppRequest(c.Request)
	if err != nil {
		a.renderError(c, http.StatusBadRequest, "Некорректный запрос", "Откройте вкладку из карточки сделки или лида.")
		return
	}
	ctx := c.Request.Context()
	profile, err := a.verifyPage(ctx, req)
	if err != nil {
		a.refusePage(c, err, "Не удалось подтвердить вход через Битрикс24. Обновите страницу.")
		return
	}
	target, err := req.Target()
	ownerType, ok := ownerTypes[target.EntityTypeID]
	clientType, client := clientTabTypes[target.EntityTypeID]
	if client {
		ownerType = clientType
	}
	if err != nil || !ok && !client {
		a.renderError(c, http.StatusBadRequest, "Вкладка недоступна", "График платежей строится в сделках и лидах, подписки — в сделках, контактах и компаниях.")
		return
	}
	if err := a.b24.CanRead(ctx, req.MemberID, req.AuthID, ownerType, int64(target.ID)); err != nil {
		a.refuseOwner(c, err)
		return
	}
	token, err := a.signFor(ctx, TabClaims{MemberID: req.MemberID, UserID: int64(profile.ID), UserName: profile.FullName(),
		OwnerType: ownerType, OwnerID: int64(target.ID)})
	if err != nil {
		a.refusePage(c, err, "")
		return
	}
	page := "tab.html"
	if client {
		page = "subscriptions_tab.html"
	}
	a.render(c, http.StatusOK, page, templates.TabPage{Token: token, OwnerType: ownerType, OwnerID: int64(target.ID),
		APIBase: "/api/v1", PortalUI: templates.PortalUI(a.portalOrigin())})
}

// b24App is the application's main page: a summary of the portal and, for admins, the payment settings.
func (a *App) b24App(c *gin.Context) {
	ctx := c.Request.Context()
	req, err := bitrix.ParseAppRequest(c.Request)
	if err != nil {
		a.renderError(c, http.StatusBadRequest, "Некорректный запрос", "Откройте приложение из Битрикс24.")
		return
	}
	profile, err := a.verifyPage(ctx, req)
	if err != nil {
		a.refusePage(c, err, "Не удалось подтвердить вход через Битрикс24.")
		return
	}
	if profile.Admin && a.payments != nil {
		cfg, err := a.effectiveBilling(ctx)
		if err != nil {
			_ = c.Error(err)
		}
		// The admin's name rides in the token, so the settings audit says who saved them.
		token, err := a.signFor(ctx, TabClaims{MemberID: req.MemberID, UserID: int64(profile.ID), UserName: profile.FullName(),
			OwnerType: settingsOwner, OwnerID: 1, Admin: true})
		if err != nil {
			a.refusePage(c, err, "")
			return
		}
		a.renderAppPage(c, http.StatusOK, req.MemberID, a.settingsForm(cfg, token))
		return
	}
	finance, err := a.financeToken(ctx, req.MemberID, int64(profile.ID))
	if err != nil {
		_ = c.Error(err) // the page still works without the finance link
	}
	a.renderAppPageWith(c, http.StatusOK, req.MemberID, nil, nil, finance)
}

func (a *App) renderAppPage(c *gin.Context, status int, memberID string, form *templates.SettingsForm) {
	var holidays *templates.HolidaysForm
	if form != nil {
		holidays = a.holidaysForm(c, memberID, form.Token)
	}
	a.renderAppPageWith(c, status, memberID, form, holidays, "")
}

// renderAppPageWith renders the app page; an admin's page (form set) opens the finance pages with the
// form's token, anyone else's with financeToken when they hold the finance role.
func (a *App) renderAppPageWith(c *gin.Context, status int, memberID string, form *templates.SettingsForm, holidays *templates.HolidaysForm, financeToken string) {
	sum, err := a.instalments.Summary(c.Request.Context(), memberID)
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось загрузить данные.")
		return
	}
	if form != nil {
		form.History, err = a.settingsHistory(c, memberID, form.Token)
		if err != nil {
			_ = c.Error(err) // the form still works without its history
		}
		if form.Roles == nil {
			form.Roles, err = a.financeRolesForm(c, memberID)
			if err != nil {
				_ = c.Error(err)
			}
		}
		financeToken = form.Token
	}
	a.render(c, status, "app.html", templates.AppPage{PortalDomain: a.cfg.B24.PortalHost(), Installed: true,
		Schedules: sum.Schedules, Instalments: sum.Instalments, Debt: sum.Debt, Settings: form, Holidays: holidays,
		FinanceToken: financeToken, PortalUI: templates.PortalUI(a.portalOrigin())})
}
