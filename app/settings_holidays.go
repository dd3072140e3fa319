package app

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/templates"
)

// The production calendar part of the admin settings: decree transfers of days off for years this
// release does not know (issue 21). The working-day shift of business-day plans uses them.

// holidayFields maps the engine's transfer fields to the form's.
var holidayFields = map[string]string{"transfers.from": "hol_from", "transfers.to": "hol_to"}

func (a *App) holidayRoutes(r *gin.Engine) {
	if a.b24 == nil {
		return
	}
	r.POST("/b24/settings/holidays", a.addHolidayTransfer)
	r.POST("/b24/settings/holidays/delete", a.deleteHolidayTransfer)
}

// holidaysForm lists the portal's own transfers.
func (a *App) holidaysForm(c *gin.Context, memberID, token string) *templates.HolidaysForm {
	first, last := schedules.DecreeYears()
	form := &templates.HolidaysForm{Token: token, Errors: map[string]string{}, BuiltInYears: fmt.Sprintf("%d–%d", first, last)}
	rows, err := a.instalments.HolidayTransfers(c.Request.Context(), memberID)
	if err != nil {
		_ = c.Error(err)
		form.Errors["list"] = "Не удалось загрузить переносы, обновите страницу."
	}
	for _, r := range rows {
		t := r.Transfer()
		form.Transfers = append(form.Transfers, templates.TransferRow{ID: r.ID, From: t.From.RU(), To: t.To.RU(), Note: r.Note})
	}
	return form
}

// addHolidayTransfer stores one transfer; problems are shown next to their fields.
func (a *App) addHolidayTransfer(c *gin.Context) {
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	t, errs := transferFromForm(c)
	if len(errs) == 0 {
		err := a.instalments.AddHolidayTransfer(c.Request.Context(), claims.MemberID, claims.UserID, t)
		if errs = transferErrors(err); errs == nil {
			_ = c.Error(err)
			a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось сохранить перенос.")
			return
		}
	}
	form := a.holidaysForm(c, claims.MemberID, c.Query("token"))
	status := http.StatusOK
	if len(errs) > 0 {
		status, form.Errors = http.StatusUnprocessableEntity, errs
		form.From, form.To, form.Note = c.PostForm("hol_from"), c.PostForm("hol_to"), c.PostForm("hol_note")
	} else {
		form.Notice = fmt.Sprintf("Перенос добавлен: выходной %s переносится на %s.", t.From.RU(), t.To.RU())
	}
	a.renderSettingsPage(c, status, claims, form)
}

func (a *App) deleteHolidayTransfer(c *gin.Context) {
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(c.PostForm("id"), 10, 64)
	if err := a.instalments.DeleteHolidayTransfer(c.Request.Context(), claims.MemberID, id); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось удалить перенос.")
		return
	}
	form := a.holidaysForm(c, claims.MemberID, c.Query("token"))
	form.Notice = "Перенос удалён."
	a.renderSettingsPage(c, http.StatusOK, claims, form)
}

// renderSettingsPage shows the app page with both admin forms.
func (a *App) renderSettingsPage(c *gin.Context, status int, claims TabClaims, holidays *templates.HolidaysForm) {
	cfg, err := a.effectiveBilling(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
	}
	a.renderAppPageWith(c, status, claims.MemberID, a.settingsForm(cfg, c.Query("token")), holidays, "")
}

// transferFromForm reads the dates (YYYY-MM-DD from a date input, or ДД.ММ.ГГГГ typed by hand).
func transferFromForm(c *gin.Context) (schedules.Transfer, map[string]string) {
	errs := map[string]string{}
	from := formDate(c, "hol_from", errs)
	to := formDate(c, "hol_to", errs)
	note := strings.TrimSpace(c.PostForm("hol_note"))
	if utf8.RuneCountInString(note) > 200 {
		errs["hol_note"] = "Не длиннее 200 символов"
	}
	return schedules.Transfer{From: from, To: to, Note: note}, errs
}

func formDate(c *gin.Context, field string, errs map[string]string) schedules.Date {
	v := strings.TrimSpace(c.PostForm(field))
	if v == "" {
		errs[field] = "Укажите дату"
		return schedules.Date{}
	}
	if d, err := schedules.ParseDate(v); err == nil {
		return d
	}
	if t, err := time.Parse("02.01.2006", v); err == nil {
		return schedules.NewDate(t.Year(), t.Month(), t.Day())
	}
	errs[field] = "Дата в формате ДД.ММ.ГГГГ"
	return schedules.Date{}
}

// transferErrors maps the service's answer to form fields: an empty map when saved, nil for a
// failure that is no fault of the input.
func transferErrors(err error) map[string]string {
	var es schedules.ValidationErrors
	switch {
	case err == nil:
		return map[string]string{}
	case errors.Is(err, instalment.ErrTransferExists):
		return map[string]string{"hol_to": "Эта дата уже указана в другом переносе"}
	case errors.As(err, &es):
		out := map[string]string{}
		for _, e := range es {
			if f := holidayFields[e.Field]; f != "" && out[f] == "" {
				out[f] = schedules.ReasonRU(e)
			}
		}
		return out
	}
	return nil
}
