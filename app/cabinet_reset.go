package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

func (a *App) cabinetForgotForm(c *gin.Context) {
	a.render(c, http.StatusOK, "cabinet_forgot.html", a.cabinetPage(c, "Восстановление пароля", "login"))
}

// cabinetForgot mails a reset link; the answer does not tell whether the address is registered.
func (a *App) cabinetForgot(c *gin.Context) {
	member, ok := a.cabinetMember(c)
	if !ok {
		return
	}
	err := a.cabinet.RequestReset(c.Request.Context(), member, c.PostForm("email"), clientIP(c))
	switch {
	case errors.Is(err, cabinet.ErrThrottled):
		a.cabinetMessage(c, http.StatusTooManyRequests, "Слишком много попыток", "Попробуйте ещё раз через час.")
	case err != nil:
		a.cabinetFail(c, err)
	default:
		a.cabinetMessage(c, http.StatusOK, "Проверьте почту",
			"Если этот адрес зарегистрирован, мы отправили на него ссылку для нового пароля. Она действует один час.")
	}
}

func (a *App) cabinetResetForm(c *gin.Context) {
	p := a.cabinetPage(c, "Новый пароль", "login")
	p.Token = c.Query("token")
	a.render(c, http.StatusOK, "cabinet_reset.html", p)
}

// cabinetReset sets the new password; every session of the account ends.
func (a *App) cabinetReset(c *gin.Context) {
	err := a.cabinet.ResetPassword(c.Request.Context(), c.PostForm("token"), c.PostForm("password"))
	switch {
	case errors.Is(err, cabinet.ErrBadLink):
		a.cabinetMessage(c, http.StatusNotFound, "Ссылка не действует", "Ссылка устарела или уже использована. Запросите новую.")
	case cabinet.FieldErrors(err) != nil:
		p := a.cabinetPage(c, "Новый пароль", "login")
		p.Token, p.Errors = c.PostForm("token"), cabinet.FieldErrors(err)
		a.render(c, http.StatusUnprocessableEntity, "cabinet_reset.html", p)
	case err != nil:
		a.cabinetFail(c, err)
	default:
		p := a.cabinetPage(c, "Вход", "login")
		p.Notice = "Пароль изменён. Войдите с новым паролем."
		a.render(c, http.StatusOK, "cabinet_login.html", p)
	}
}
