package cabinet

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Profile is what a client tells about themselves, at registration and on the profile page.
type Profile struct {
	Kind         string
	Name         string
	Email        string
	Phone        string
	INN          string
	KPP          string
	LegalName    string
	LegalAddress string
	Route        string
	Reminders    bool
}

// RegisterInput is the registration form.
type RegisterInput struct {
	Profile
	Password string
	Invite   string // the token of a manager's invitation link, if any
}

// minPassword is the shortest password accepted (NIST SP 800-63B asks for at least 8).
const minPassword = 10

// Normalize trims the fields and brings e-mail and phone to their stored forms.
func (p *Profile) Normalize() {
	for _, f := range []*string{&p.Kind, &p.Name, &p.Email, &p.Phone, &p.INN, &p.KPP, &p.LegalName, &p.LegalAddress, &p.Route} {
		*f = strings.TrimSpace(*f)
	}
	p.Email = strings.ToLower(p.Email)
	p.Phone = NormalizePhone(p.Phone)
	p.KPP = strings.ToUpper(p.KPP)
	if p.Kind != KindCompany {
		p.KPP = ""
	}
	if p.Kind == KindPerson {
		p.INN, p.LegalName, p.LegalAddress = "", "", ""
	}
}

// NormalizePhone keeps the digits with a leading +; a Russian 8XXXXXXXXXX becomes +7XXXXXXXXXX.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '8' {
		d = "7" + d[1:]
	}
	if len(d) == 10 {
		d = "7" + d
	}
	if d == "" {
		return ""
	}
	return "+" + d
}

// Validate says, by form field, what to fix. Call Normalize first.
func (p Profile) Validate() error {
	bad := map[string]string{}
	switch p.Kind {
	case KindPerson, KindIP, KindCompany:
	default:
		bad["kind"] = "Выберите: частное лицо, ИП или компания"
	}
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 200 {
		bad["name"] = "Укажите имя (до 200 символов)"
	}
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 {
		bad["email"] = "Укажите адрес почты, например ivan@example.ru"
	}
	if n := len(p.Phone); n < 11 || n > 16 {
		bad["phone"] = "Укажите телефон, например +7 900 123-45-67"
	}
	switch p.Route {
	case "", "invoicebox", "sbp":
	default:
		bad["route"] = "Выберите способ оплаты из списка"
	}
	if p.Kind == KindIP || p.Kind == KindCompany {
		p.validateLegal(bad)
	}
	if len(bad) > 0 {
		return &InvalidError{Fields: bad}
	}
	return nil
}

func (p Profile) validateLegal(bad map[string]string) {
	want := 12
	if p.Kind == KindCompany {
		want = 10
		if !ValidKPP(p.KPP) {
			bad["kpp"] = "КПП — 9 символов, например 773601001"
		}
	}
	if len(p.INN) != want || !ValidINN(p.INN) {
		bad["inn"] = map[int]string{10: "ИНН компании — 10 цифр; проверьте контрольную цифру",
			12: "ИНН ИП — 12 цифр; проверьте контрольные цифры"}[want]
	}
	if p.LegalName == "" || utf8.RuneCountInString(p.LegalName) > 300 {
		bad["legal_name"] = "Укажите полное наименование (до 300 символов)"
	}
	if p.LegalAddress == "" || utf8.RuneCountInString(p.LegalAddress) > 500 {
		bad["legal_address"] = "Укажите юридический адрес (до 500 символов)"
	}
}

// Validate checks the profile and the password.
func (in RegisterInput) Validate() error {
	err := in.Profile.Validate()
	bad := FieldErrors(err)
	if bad == nil {
		bad = map[string]string{}
	}
	if n := utf8.RuneCountInString(in.Password); n < minPassword || n > 200 {
		bad["password"] = "Пароль — не короче 10 символов"
	}
	if len(bad) > 0 {
		return &InvalidError{Fields: bad}
	}
	return nil
}
