package subscriptions

import (
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// ClientRef names the Bitrix24 contact or company who pays.
type ClientRef struct {
	EntityType string // contact or company
	B24ID      int64
	Name       string
	Email      string
}

// CreateInput is what a manager submits to start a subscription.
type CreateInput struct {
	MemberID    string
	Client      ClientRef
	DealID      int64
	ManagerID   int64
	Title       string
	Amount      decimal.Decimal
	FirstAmount *decimal.Decimal // optional trial / first-period amount
	Currency    string
	PeriodUnit  string
	PeriodEvery int
	Start       string // YYYY-MM-DD, the anchor
	EndKind     string // open, count or date
	EndCount    int
	EndDate     string
	Route       string
}

// Validate checks the input on its own (the route's availability is checked by the service).
// It reports the first wrong field with a message for the form.
func (in CreateInput) Validate() error {
	checks := []func() error{in.checkClient, in.checkMoney, in.checkPeriod, in.checkEnd, in.checkRoute}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (in CreateInput) checkClient() error {
	switch {
	case in.MemberID == "":
		return fieldErr("member_id", "не указан портал")
	case in.Client.EntityType != "contact" && in.Client.EntityType != "company":
		return fieldErr("client", "выберите контакт или компанию")
	case in.Client.B24ID <= 0:
		return fieldErr("client", "выберите контакт или компанию")
	case strings.TrimSpace(in.Title) == "":
		return fieldErr("title", "укажите, за что подписка")
	}
	if _, err := netmail.ParseAddress(in.Client.Email); err != nil {
		return fieldErr("email", "укажите e-mail клиента: на него придут ссылка, чеки и напоминания")
	}
	return nil
}

func (in CreateInput) checkMoney() error {
	cur, err := schedules.LookupCurrency(in.Currency)
	if err != nil {
		return fieldErr("currency", "неизвестная валюта")
	}
	if !in.Amount.IsPositive() {
		return fieldErr("amount", "сумма должна быть больше нуля")
	}
	if !cur.Fits(in.Amount) {
		return fieldErr("amount", "слишком много знаков после запятой")
	}
	if in.FirstAmount != nil && (!in.FirstAmount.IsPositive() || !cur.Fits(*in.FirstAmount)) {
		return fieldErr("first_amount", "сумма первого периода должна быть больше нуля, не больше двух знаков после запятой")
	}
	if in.Amount.GreaterThanOrEqual(decimal.New(1, 10)) {
		return fieldErr("amount", "слишком большая сумма")
	}
	return nil
}

func (in CreateInput) checkPeriod() error {
	p := schedules.Period{Unit: schedules.PeriodUnit(in.PeriodUnit), Every: in.PeriodEvery}
	if !p.Valid() {
		return fieldErr("period", "укажите период: день, неделя, месяц, квартал, полгода или год, каждые 1–12")
	}
	if _, err := schedules.ParseDate(in.Start); err != nil {
		return fieldErr("start", "укажите дату начала в формате ГГГГ-ММ-ДД")
	}
	return nil
}

func (in CreateInput) checkEnd() error {
	switch in.EndKind {
	case EndOpen:
		return nil
	case EndCount:
		if in.EndCount < 1 || in.EndCount > 1200 {
			return fieldErr("end_count", "число списаний должно быть от 1 до 1200")
		}
		return nil
	case EndDate:
		end, err := schedules.ParseDate(in.EndDate)
		start, _ := schedules.ParseDate(in.Start)
		if err != nil {
			return fieldErr("end_date", "укажите дату окончания в формате ГГГГ-ММ-ДД")
		}
		if end.Before(start) {
			return fieldErr("end_date", "дата окончания раньше даты начала")
		}
		return nil
	}
	return fieldErr("end", "выберите окончание: бессрочно, после N списаний или в дату")
}

func (in CreateInput) checkRoute() error {
	switch in.Route {
	case RouteCard, RouteSBP, RouteInvoicebox:
		return nil
	}
	return fieldErr("route", "выберите способ оплаты: карта, СБП или счёт")
}

// PauseInput pauses billing from From to Until inclusive; periods starting then are not billed,
// later or earlier.
type PauseInput struct {
	MemberID string
	ID       int64
	From     string
	Until    string
}

// Validate checks the dates.
func (in PauseInput) Validate() error {
	from, err1 := schedules.ParseDate(in.From)
	until, err2 := schedules.ParseDate(in.Until)
	switch {
	case err1 != nil:
		return fieldErr("from", "укажите дату начала паузы")
	case err2 != nil:
		return fieldErr("until", "укажите дату окончания паузы")
	case until.Before(from):
		return fieldErr("until", "пауза заканчивается раньше, чем начинается")
	}
	return nil
}

// AcceptInput is the client's answer on the consent page.
type AcceptInput struct {
	Token     string
	Agreed    bool // the checkbox
	IP        string
	UserAgent string
}

// Validate checks that the consent was given.
func (in AcceptInput) Validate() error {
	if !in.Agreed {
		return fmt.Errorf("%w: %w", ErrConsentMissing,
			&FieldError{Field: "consent", Message: "подтвердите согласие на автоматические списания"})
	}
	if in.Token == "" {
		return fieldErr("token", "ссылка неполная")
	}
	return nil
}
