package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
	"b24pay/templates"
)

var (
	changeFields = map[string]string{"name": "Имя", "phone": "Телефон", "inn": "ИНН", "kpp": "КПП",
		"legal_name": "Наименование", "legal_address": "Юридический адрес"}
	changeWho = map[string]string{cabinet.SourceCabinet: "в кабинете", cabinet.SourceBitrix24: "менеджер в карточке клиента"}
)

func (a *App) cabinetProfileForm(c *gin.Context) {
	p := a.cabinetPage(c, "Профиль", "profile")
	p.Form = formValues(accountOf(c).Profile())
	p.Notice = noticeText[c.Query("notice")]
	history, err := a.cabinet.History(c.Request.Context(), accountOf(c), 30)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	for _, h := range history {
		p.History = append(p.History, templates.CabinetChange{At: h.At.In(a.cfg.Timezone).Format("02.01.2006 15:04"),
			Who: changeWho[h.Source], Field: changeFields[h.Field], Old: h.OldValue, New: h.NewValue, Applied: h.Applied})
	}
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
