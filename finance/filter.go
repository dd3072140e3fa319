package finance

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"b24pay/schedules"
)

// Filter narrows the finance views. Zero fields filter nothing; Currency "" is RUB.
//   - Manager: the Bitrix24 user responsible for the deal (schedules) or the contract (company payments);
//   - From, To: the period, inclusive, in the portal's calendar: due dates of instalments, payment
//     dates of company contracts, and the day a provider payment was made (register, money received);
//   - Route: the provider of a payment (register and money received; instalments have no route);
//   - Currency: amounts are never summed across currencies.
type Filter struct {
	Manager  int64
	From, To schedules.Date
	Route    string
	Currency string
}

// FilterInput is the filter as a person typed it.
type FilterInput struct {
	Manager, From, To, Route, Currency string
}

// Parse validates the input and says per field what to fix (Russian, for the form).
func (in FilterInput) Parse() (Filter, map[string]string) {
	var f Filter
	errs := map[string]string{}
	if s := strings.TrimSpace(in.Manager); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			errs["manager"] = "Укажите ID ответственного в Битрикс24 — целое число, например 7."
		}
		f.Manager = id
	}
	for _, d := range []struct {
		field, raw string
		dst        *schedules.Date
	}{{"from", in.From, &f.From}, {"to", in.To, &f.To}} {
		if s := strings.TrimSpace(d.raw); s != "" {
			date, err := parseDay(s)
			if err != nil {
				errs[d.field] = "Дата в виде ДД.ММ.ГГГГ, например 01.12.2026."
			}
			*d.dst = date
		}
	}
	if _, bad := errs["to"]; !bad && !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "Конец периода раньше его начала."
	}
	if f.Route = strings.TrimSpace(in.Route); f.Route != "" && !slices.Contains(Routes, f.Route) {
		errs["route"] = "Выберите способ оплаты из списка."
	}
	f.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if f.Currency == "" {
		f.Currency = "RUB"
	}
	if _, err := schedules.LookupCurrency(f.Currency); err != nil {
		errs["currency"] = "Неизвестная валюта: укажите код ISO, например RUB."
	}
	if len(errs) > 0 {
		return Filter{Currency: "RUB"}, errs
	}
	return f, nil
}

// parseDay reads a date from a date input (YYYY-MM-DD) or typed by hand (ДД.ММ.ГГГГ).
func parseDay(s string) (schedules.Date, error) {
	if t, err := time.Parse("02.01.2006", s); err == nil {
		return schedules.NewDate(t.Year(), t.Month(), t.Day()), nil
	}
	return schedules.ParseDate(s)
}

// currency is the filter's currency code (RUB when unset).
func (f Filter) currency() string {
	if f.Currency == "" {
		return "RUB"
	}
	return f.Currency
}

// instalments is the WHERE tail that narrows instalments i of schedules s by manager and period.
func (f Filter) instalments() (string, []any) {
	var sql string
	var args []any
	if f.Manager != 0 {
		sql, args = sql+" AND s.responsible_id = ?", append(args, f.Manager)
	}
	if !f.From.IsZero() {
		sql, args = sql+" AND i.due >= ?", append(args, f.From.String())
	}
	if !f.To.IsZero() {
		sql, args = sql+" AND i.due <= ?", append(args, f.To.String())
	}
	return sql, args
}

// payments is the WHERE tail that narrows payments p by route, manager (the deal of the instalment
// paid) and the portal days of at (the payment's creation or settlement instant column). Card and
// SBP subscription charges are left out: billing holds one only once it is refunded (issue 13),
// and finance does not count the charges that are not.
func (f Filter) payments(at string, loc *time.Location) (string, []any) {
	sql := " AND p.payable_kind <> 'subscription_charge'"
	var args []any
	if f.Route != "" {
		sql, args = sql+" AND p.provider = ?", append(args, f.Route)
	}
	if f.Manager != 0 {
		sql += ` AND EXISTS (SELECT 1 FROM instalments mi JOIN payment_schedules ms ON ms.id = mi.schedule_id
 WHERE p.payable_kind = 'instalment' AND mi.id = p.payable_id AND ms.responsible_id = ?)`
		args = append(args, f.Manager)
	}
	if !f.From.IsZero() {
		sql, args = sql+" AND "+at+" >= ?", append(args, dayStart(f.From, loc))
	}
	if !f.To.IsZero() {
		sql, args = sql+" AND "+at+" < ?", append(args, dayStart(f.To.AddDays(1), loc))
	}
	return sql, args
}

// contracts is the WHERE tail that narrows company payments by the contract's responsible user
// (column managerCol) and the payment date (column dateCol).
func (f Filter) contracts(managerCol, dateCol string) (string, []any) {
	var sql string
	var args []any
	if f.Manager != 0 {
		sql, args = sql+" AND "+managerCol+" = ?", append(args, f.Manager)
	}
	if !f.From.IsZero() {
		sql, args = sql+" AND "+dateCol+" >= ?", append(args, f.From.String())
	}
	if !f.To.IsZero() {
		sql, args = sql+" AND "+dateCol+" <= ?", append(args, f.To.String())
	}
	return sql, args
}

// dayStart is the UTC instant a portal calendar day begins.
func dayStart(d schedules.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).UTC()
}
