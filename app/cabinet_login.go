package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

func (a *App) cabinetLoginForm(c *gin.Context) {
	p := a.cabinetPage(c, "Вход", "login")
	p.Next = safeNext(c.Query("next"))
	a.render(c, http.StatusOK, "cabinet_login.html", p)
}

// safeNext keeps a return path inside the cabinet (no open redirect).
func safeNext(next string) string {
	if next == "/cabinet" || strings.HasPrefix(next, "/cabinet/") && !strings.HasPrefix(next, "/cabinet//") &&
		!strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return ""
}

// cabinetLogin signs in with a new session id (a planted one is dropped) and a new CSRF seed.
func (a *App) cabinetLogin(c *gin.Context) {
	member, ok := a.cabinetMember(c)
	if !ok {
		return
	}
	raw, _, err := a.cabinet.SignIn(c.Request.Context(), member, c.PostForm("email"), c.PostForm("password"), clientIP(c))
	p := a.cabinetPage(c, "Вход", "login")
	p.Form["email"], p.Next = c.PostForm("email"), safeNext(c.PostForm("next"))
	switch {
	case errors.Is(err, cabinet.ErrBadCredentials):
		p.Errors["form"] = "Неверный адрес почты или пароль."
		a.render(c, http.StatusUnauthorized, "cabinet_login.html", p)
	case errors.Is(err, cabinet.ErrNotVerified):
		p.Errors["form"] = "Адрес почты ещё не подтверждён: откройте ссылку из письма. Нет письма — восстановите пароль, мы пришлём новую ссылку."
		a.render(c, http.StatusForbidden, "cabinet_login.html", p)
	case errors.Is(err, cabinet.ErrThrottled):
		p.Errors["form"] = "Слишком много попыток входа. Подождите 15 минут или восстановите пароль."
		a.render(c, http.StatusTooManyRequests, "cabinet_login.html", p)
	case err != nil:
		a.cabinetFail(c, err)
	default:
		if old, err := c.Cookie(a.cabinetCookie("session")); err == nil && old != "" {
			_ = a.cabinet.SignOut(c.Request.Context(), old)
		}
		a.setCabinetCookie(c, "session", raw, a.cabinet.SessionTTL())
		a.clearCabinetCookie(c, "pre")
		to := p.Next
		if to == "" {
			to = "/cabinet"
		}
		c.Redirect(http.StatusSeeOther, to)
	}
}

// cabinetLogout ends the session.
func (a *App) cabinetLogout(c *gin.Context) {
	raw, _ := c.Cookie(a.cabinetCookie("session"))
	if err := a.cabinet.SignOut(c.Request.Context(), raw); err != nil {
		a.cabinetFail(c, err)
		return
	}
	a.clearCabinetCookie(c, "session")
	c.Redirect(http.StatusSeeOther, "/cabinet/login")
}
