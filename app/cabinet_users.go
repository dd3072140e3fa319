package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/templates"
)

// cabinetUsers lists the users of the client's company, with the colleague invitation form.
func (a *App) cabinetUsers(c *gin.Context) {
	a.renderUsers(c, http.StatusOK, nil, nil)
}

func (a *App) renderUsers(c *gin.Context, status int, form, errs map[string]string) {
	acct := accountOf(c)
	users, err := a.cabinet.Users(c.Request.Context(), acct)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	p := a.cabinetPage(c, "Сотрудники", "users")
	p.Unmatched, p.Notice = !acct.OfCompany(), noticeText[c.Query("notice")]
	if form != nil {
		p.Form, p.Errors = form, errs
	}
	for i, u := range users {
		p.Users = append(p.Users, templates.CabinetUser{ID: u.ID, Name: u.Name, Email: u.Email, Verified: u.Verified(),
			Since: u.CreatedAt.In(a.cfg.Timezone).Format("02.01.2006"), Self: u.ID == acct.ID, First: i == 0})
	}
	p.CanManage = len(users) > 0 && users[0].ID == acct.ID
	a.render(c, status, "cabinet_users.html", p)
}
