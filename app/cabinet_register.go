package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
)

// cabinetRegisterForm shows the registration form; ?invite= carries a manager's invitation.
func (a *App) cabinetRegisterForm(c *gin.Context) {
	p := a.cabinetPage(c, "Регистрация", "register")
	p.Form["kind"], p.Form["reminders"] = cabinet.KindPerson, "1"
	if inv := c.Query("invite"); inv != "" {
		if member, ok := a.cabinetMember(c); !ok {
			return
		} else if a.cabinet.Invited(c.Request.Context(), member, inv) {
			p.Invite = inv
		} else {
			p.Errors["invite"] = "Приглашение устарело или уже использовано. Вы можете зарегистрироваться без него."
		}
	}
	a.render(c, http.StatusOK, "cabinet_register.html", p)
}

func registerInput(c *gin.Context) cabinet.RegisterInput {
	return cabinet.RegisterInput{Profile: profileInput(c), Password: c.PostForm("password"), Invite: c.PostForm("invite")}
}

func profileInput(c *gin.Context) cabinet.Profile {
	return cabinet.Profile{Kind: c.PostForm("kind"), Name: c.PostForm("name"), Email: c.PostForm("email"),
		Phone: c.PostForm("phone"), INN: c.PostForm("inn"), KPP: c.PostForm("kpp"), LegalName: c.PostForm("legal_name"),
		LegalAddress: c.PostForm("legal_address"), Route: c.PostForm("route"), Reminders: c.PostForm("reminders") == "1"}
}

// formValues shows the entered profile back (never the password).
func formValues(p cabinet.Profile) map[string]string {
	rem := ""
	if p.Reminders {
		rem = "1"
	}
	return map[string]string{"kind": p.Kind, "name": p.Name, "email": p.Email, "phone": p.Phone, "inn": p.INN, "kpp": p.KPP,
		"legal_name": p.LegalName, "legal_address": p.LegalAddress, "route": p.Route, "reminders": rem}
}

// cabinetRegister creates the account and says to check the mail; the answer is the same whether
// the address already had an account.
func (a *App) cabinetRegister(c *gin.Context) {
	member, ok := a.cabinetMember(c)
	if !ok {
		return
	}
	in := registerInput(c)
	err := a.cabinet.Register(c.Request.Context(), member, in, clientIP(c))
	switch {
	case err == nil:
		a.cabinetMessage(c, http.StatusOK, "Проверьте почту",
			"Мы отправили письмо со ссылкой для подтверждения адреса. Откройте её, чтобы войти в кабинет.")
	case errors.Is(err, cabinet.ErrThrottled):
		a.cabinetMessage(c, http.StatusTooManyRequests, "Слишком много попыток", "Попробуйте ещё раз через час.")
	case cabinet.FieldErrors(err) != nil:
		p := a.cabinetPage(c, "Регистрация", "register")
		in.Normalize()
		p.Form, p.Errors, p.Invite = formValues(in.Profile), cabinet.FieldErrors(err), in.Invite
		a.render(c, http.StatusUnprocessableEntity, "cabinet_register.html", p)
	default:
		a.cabinetFail(c, err)
	}
}

// cabinetVerify confirms the e-mail from the link and asks to sign in.
func (a *App) cabinetVerify(c *gin.Context) {
	_, err := a.cabinet.Verify(c.Request.Context(), c.Query("token"))
	switch {
	case errors.Is(err, cabinet.ErrBadLink):
		a.cabinetMessage(c, http.StatusNotFound, "Ссылка не действует",
			"Ссылка устарела или уже использована. Если адрес уже подтверждён, просто войдите в кабинет.")
	case err != nil:
		a.cabinetFail(c, err)
	default:
		p := a.cabinetPage(c, "Вход", "login")
		p.Notice = "Адрес подтверждён. Войдите, чтобы открыть кабинет."
		a.render(c, http.StatusOK, "cabinet_login.html", p)
	}
}
