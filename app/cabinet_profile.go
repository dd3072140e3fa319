package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

func (a *App) cabinetProfileForm(c *gin.Context) {
	p := a.cabinetPage(c, "Профиль", "profile")
	p.Form = formValues(accountOf(c).Profile())
	p.Notice = noticeText[c.Query("notice")]
	a.render(c, http.StatusOK, "cabinet_profile.html", p)
}

// cabinetProfile saves the client's contact data and requisites, and writes them to the Bitrix24 card.
func (a *App) cabinetProfile(c *gin.Context) {
	in := profileInput(c)
	_, err := a.cabinet.UpdateProfile(c.Request.Context(), accountOf(c), in)
	if bad := cabinet.FieldErrors(err); bad != nil {
		p := a.cabinetPage(c, "Профиль", "profile")
		in.Email, in.Kind = accountOf(c).Email, accountOf(c).Kind
		p.Form, p.Errors = formValues(in), bad
		a.render(c, http.StatusUnprocessableEntity, "cabinet_profile.html", p)
		return
	}
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/cabinet/profile?notice=saved")
}
