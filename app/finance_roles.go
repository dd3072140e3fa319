package app

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/templates"
)

// financeRolesForm is the roles section of the admin's settings, with who holds the role now.
func (a *App) financeRolesForm(c *gin.Context, memberID string) (*templates.FinanceRolesForm, error) {
	g, err := a.finance.Grants(c.Request.Context(), memberID)
	return &templates.FinanceRolesForm{Users: joinIDs(g.Users)}, err
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
	form := &templates.FinanceRolesForm{Users: c.PostForm("users")}
	status := http.StatusOK
	users, err := finance.ParseIDs(form.Users)
	if err != nil {
		status, form.Error = http.StatusUnprocessableEntity, err.Error()
	} else if err := a.finance.SetGrants(c.Request.Context(), claims.MemberID, finance.Grants{Users: users}, claims.UserID); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось сохранить доступ, попробуйте ещё раз.")
		return
	} else {
		form.Users, form.Notice = joinIDs(users), "Доступ к разделу «Финансы» сохранён."
		if len(users) == 0 {
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
