package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

// cabinetRemoveUser removes a colleague's access (the company's first user only); another
// company's user answers 404, as an unknown one.
func (a *App) cabinetRemoveUser(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	err := a.cabinet.RemoveUser(c.Request.Context(), accountOf(c), id)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/cabinet/users?notice=removed")
	case errors.Is(err, cabinet.ErrNotAllowed):
		a.cabinetMessage(c, http.StatusNotFound, "Пользователь не найден",
			"Удалять доступ сотрудников может только тот, кто первым зарегистрировал компанию.")
	default:
		a.cabinetFail(c, err)
	}
}
