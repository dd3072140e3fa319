package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

// cabinetInviteUser mails a colleague a registration link matched to the client's company.
func (a *App) cabinetInviteUser(c *gin.Context) {
	to := cabinet.Recipient{Email: c.PostForm("email"), Name: c.PostForm("name")}
	err := a.cabinet.InviteColleague(c.Request.Context(), accountOf(c), to)
	form := map[string]string{"email": to.Email, "name": to.Name}
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/cabinet/users?notice=invited")
	case cabinet.FieldErrors(err) != nil:
		a.renderUsers(c, http.StatusUnprocessableEntity, form, cabinet.FieldErrors(err))
	case errors.Is(err, cabinet.ErrThrottled):
		a.renderUsers(c, http.StatusTooManyRequests, form, map[string]string{"form": "Слишком много приглашений. Попробуйте через час."})
	case errors.Is(err, cabinet.ErrNotAllowed):
		a.cabinetMessage(c, http.StatusForbidden, "Приглашение недоступно",
			"Приглашать сотрудников можно в кабинете ИП или компании, связанном с вашими договорами.")
	default:
		a.cabinetFail(c, err)
	}
}
