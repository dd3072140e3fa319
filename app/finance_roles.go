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
	return grantsForm(g), err
}

// grantsForm shows who holds the role as the form's lists.
func grantsForm(g finance.Grants) *templates.FinanceRolesForm {
	return &templates.FinanceRolesForm{Users: joinIDs(g.Users), OwnUsers: joinIDs(g.OwnUsers), Departments: joinIDs(g.Departments),
		OwnDepartments: joinIDs(g.OwnDepartments)}
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

// saveFinanceRoles is the admin's form granting the finance role to Bitrix24 users and departments.
func (a *App) saveFinanceRoles(c *gin.Context) {
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	form := &templates.FinanceRolesForm{Users: c.PostForm("users"), OwnUsers: c.PostForm("own_users"),
		Departments: c.PostForm("departments"), OwnDepartments: c.PostForm("own_departments")}
	status := http.StatusOK
	g, errs := parseGrants(form)
	if len(errs) > 0 {
		status, form.Errors = http.StatusUnprocessableEntity, errs
	} else if err := a.finance.SetGrants(c.Request.Context(), claims.MemberID, g, claims.UserID); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось сохранить доступ, попробуйте ещё раз.")
		return
	} else {
		form = grantsForm(g)
		form.Notice = "Доступ к разделу «Финансы» сохранён."
		if len(g.Users)+len(g.OwnUsers)+len(g.Departments)+len(g.OwnDepartments) == 0 {
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

// parseGrants reads the four id lists; a user or a department is in one of its two lists only.
func parseGrants(form *templates.FinanceRolesForm) (finance.Grants, map[string]string) {
	var g finance.Grants
	errs := map[string]string{}
	for _, list := range []struct {
		field, typed string
		ids          *[]int64
	}{{"users", form.Users, &g.Users}, {"own_users", form.OwnUsers, &g.OwnUsers},
		{"departments", form.Departments, &g.Departments}, {"own_departments", form.OwnDepartments, &g.OwnDepartments}} {
		var err error
		if *list.ids, err = finance.ParseIDs(list.typed); err != nil {
			errs[list.field] = err.Error()
		}
	}
	for _, id := range g.OwnUsers {
		if slices.Contains(g.Users, id) {
			errs["own_users"] = fmt.Sprintf("ID %d уже видит все сделки: оставьте его в одном из списков.", id)
		}
	}
	for _, id := range g.OwnDepartments {
		if slices.Contains(g.Departments, id) {
			errs["own_departments"] = fmt.Sprintf("Отдел %d уже видит все сделки: оставьте его в одном из списков.", id)
		}
	}
	return g, errs
}
