package app

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/templates"
)

// financeRolesForm is the roles section of the admin's settings, with who holds the role now.
func (a *App) financeRolesForm(c *gin.Context, memberID string) (*templates.FinanceRolesForm, error) {
	g, err := a.finance.Grants(c.Request.Context(), memberID)
	return &templates.FinanceRolesForm{Users: joinIDs(g.Users), OwnUsers: joinIDs(g.OwnUsers)}, err
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

// saveFinanceRoles is the admin's form granting the finance role to Bitrix24 users.
func (a *App) saveFinanceRoles(c *gin.Context) {
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	form := &templates.FinanceRolesForm{Users: c.PostForm("users"), OwnUsers: c.PostForm("own_users")}
	status := http.StatusOK
	g, errs := parseGrants(form)
	if len(errs) > 0 {
		status, form.Errors = http.StatusUnprocessableEntity, errs
	} else if err := a.finance.SetGrants(c.Request.Context(), claims.MemberID, g, claims.UserID); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось сохранить доступ, попробуйте ещё раз.")
		return
	} else {
		form.Users, form.OwnUsers, form.Notice = joinIDs(g.Users), joinIDs(g.OwnUsers), "Доступ к разделу «Финансы» сохранён."
		if len(g.Users)+len(g.OwnUsers) == 0 {
			form.Notice = "Доступ к разделу «Финансы» сохранён: только администраторы."
		}
	}
	cfg, err := a.effectiveBilling(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
	}
	settings := a.settingsForm(cfg, c.Query("token"))
	settings.Roles = form
	a.renderAppPage(c, status, claims.MemberID, settings)
}

// parseGrants reads the two id lists; a user is in one of them only.
func parseGrants(form *templates.FinanceRolesForm) (finance.Grants, map[string]string) {
	var g finance.Grants
	errs := map[string]string{}
	var err error
	if g.Users, err = finance.ParseIDs(form.Users); err != nil {
		errs["users"] = err.Error()
	}
	if g.OwnUsers, err = finance.ParseIDs(form.OwnUsers); err != nil {
		errs["own_users"] = err.Error()
	}
	for _, id := range g.OwnUsers {
		if slices.Contains(g.Users, id) {
			errs["own_users"] = fmt.Sprintf("ID %d уже видит все сделки: оставьте его в одном из списков.", id)
		}
	}
	return g, errs
}
