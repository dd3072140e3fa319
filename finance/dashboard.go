package finance

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"b24pay/portal"
	"b24pay/schedules"
)

// Aging buckets of overdue debt, by days past the due date.
var AgingBuckets = []struct {
	Label    string
	From, To int // days past due, inclusive; To 0 means no upper bound
}{
	{"1–30 дней", 1, 30}, {"31–60 дней", 31, 60}, {"61–90 дней", 61, 90}, {"более 90 дней", 91, 0},
}

// Dashboard is the incoming and outgoing picture of a portal in one currency, in minor units.
// "Today" and "this month" are the portal's (B24PAY_TIMEZONE).
type Dashboard struct {
	Currency      schedules.Currency
	Today         schedules.Date
	Receivable    int64   // still owed on every open instalment of active schedules
	Overdue       int64   // of which due before today
	Aging         []int64 // overdue by AgingBuckets
	Due7, Due30   int64   // due from today within 7 and 30 days
	PaidMonth     int64   // money received by providers this month (settled payments)
	FeesMonth     int64   // the providers' fees on it (B24PAY_FEES)
	RefundedMonth int64   // refunds that succeeded this month
	Forecast      []MonthSum
	Collected     []MonthSum // money received by providers per month: the last 12 months, this one last
	OnTime        OnTime
	Outgoing      Outgoing
}

// OnTime is the share of instalments paid on time: of the instalments that fell due in the last 12
// months (HistoryMonths, up to yesterday, portal calendar), those paid in full on or before their
// due date. Instalments paid in full before paid-on days were recorded (migration 00017) are left out.
type OnTime struct {
	Due    int64 // instalments counted
	OnTime int64 // of which paid in full on or before the due date
}

// Percent is the on-time share in whole percent (0 when nothing fell due).
func (o OnTime) Percent() int64 {
	if o.Due == 0 {
		return 0
	}
	return o.OnTime * 100 / o.Due
}

// HistoryMonths is how many months the history figures (money collected, paid on time) look back,
// this month included.
const HistoryMonths = 12

// MonthSum is an amount for one calendar month (YYYY-MM).
type MonthSum struct {
	Month string
	Minor int64
}

// Outgoing sums the company's own payments booked from «Платежи компании».
type Outgoing struct {
	PaidMonth int64 // booked with a payment date in this month
	DueMonth  int64 // still to pay this month: open contracts whose next payment falls in it
	Remaining int64 // remaining principal of the open contracts
	Calendar  []Upcoming
}

// Upcoming is a company contract in the payment calendar: its next payment, or its last one when closed.
type Upcoming struct {
	ItemID    int64
	Contract  string
	CompanyID int64
	Date      string
	Amount    int64
	Remaining int64
	Stage     string
	Closed    bool
}

// monthBounds are the portal-time first instants of this and the next month, and today.
func (s *Service) monthBounds() (from, to time.Time, today schedules.Date) {
	now := s.clock.Now().In(s.loc)
	from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	return from.UTC(), from.AddDate(0, 1, 0).UTC(), schedules.NewDate(now.Year(), now.Month(), now.Day())
}

// Today is the portal's calendar day.
func (s *Service) Today() schedules.Date {
	_, _, today := s.monthBounds()
	return today
}

// historyStart is the first day of the oldest month of the history figures (portal calendar).
func historyStart(today schedules.Date) schedules.Date {
	return schedules.NewDate(today.Year, today.Month, 1).AddMonthsClamped(1 - HistoryMonths)
}

// activeInstalments is the FROM/WHERE of every instalment of an active schedule in the filter's
// currency that is not cancelled, narrowed by the filter, with its arguments; join adds tables.
func activeInstalments(memberID string, f Filter, join ...string) (string, []any) {
	tail, args := f.instalments()
	return ` FROM instalments i JOIN payment_schedules s ON s.id = i.schedule_id` + strings.Join(join, "") + `
 WHERE i.member_id = ? AND s.member_id = ? AND s.status = 'active' AND s.currency = ? AND i.status <> 'cancelled'` + tail,
		append([]any{memberID, memberID, f.currency()}, args...)
}

// openInstalments is activeInstalments still owed.
func openInstalments(memberID string, f Filter) (string, []any) {
	from, args := activeInstalments(memberID, f)
	return from + " AND i.paid_minor < i.amount_minor", args
}

// NetMonth is what this month's money comes to after refunds and the providers' fees.
func (d Dashboard) NetMonth() int64 { return d.PaidMonth - d.RefundedMonth - d.FeesMonth }

// Dashboard computes the figures of the finance page.
func (s *Service) Dashboard(ctx context.Context, memberID string, f Filter) (Dashboard, error) {
	d := Dashboard{Currency: currencyOf(f.currency())}
	from, to, today := s.monthBounds()
	d.Today = today
	if err := s.instalmentFigures(ctx, memberID, f, &d); err != nil {
		return d, err
	}
	if err := s.received(ctx, memberID, f, &d); err != nil {
		return d, err
	}
	tail, targs := f.payments("r.updated_at", s.loc)
	if err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
 WHERE r.member_id = ? AND p.currency = ? AND r.status = 'succeeded' AND r.updated_at >= ? AND r.updated_at < ?`+tail,
		append([]any{memberID, d.Currency.Code, from, to}, targs...)...).Row().Scan(&d.RefundedMonth); err != nil {
		return d, err
	}
	var err error
	d.Outgoing, err = s.outgoing(ctx, memberID, f, today)
	return d, err
}

// instalmentFigures is one pass over the instalments, grouped by due date (a few thousand dates at
// most): what is owed on the open ones, and how many of those that fell due in the history window
// were paid on time. Every incoming figure is then summed from these rows by the same date rules.
func (s *Service) instalmentFigures(ctx context.Context, memberID string, f Filter, d *Dashboard) error {
	var byDue []struct {
		Due                     string
		Owed, N, OnTime, Legacy int64
	}
	start := historyStart(d.Today).String()
	active, args := activeInstalments(memberID, f)
	err := s.db.WithContext(ctx).Raw(`SELECT i.due,
 SUM(CASE WHEN i.paid_minor < i.amount_minor THEN i.amount_minor - i.paid_minor ELSE 0 END) AS owed, COUNT(*) AS n,
 SUM(CASE WHEN i.paid_minor >= i.amount_minor AND i.paid_on <> '' AND i.paid_on <= i.due THEN 1 ELSE 0 END) AS on_time,
 SUM(CASE WHEN i.paid_minor >= i.amount_minor AND i.paid_on = '' THEN 1 ELSE 0 END) AS legacy`+active+`
 AND (i.paid_minor < i.amount_minor OR i.due >= ?) GROUP BY i.due`, append(args, start)...).Scan(&byDue).Error
	if err != nil {
		return err
	}
	d.Aging = make([]int64, len(AgingBuckets))
	forecast := map[string]int64{}
	horizon, t := d.Today.AddMonthsClamped(12).String(), d.Today.String()
	for _, r := range byDue {
		if r.Owed > 0 {
			d.add(r.Due, r.Owed, horizon, forecast)
		}
		if r.Due >= start && r.Due < t {
			d.OnTime.Due += r.N - r.Legacy
			d.OnTime.OnTime += r.OnTime
		}
	}
	for month, minor := range forecast {
		d.Forecast = append(d.Forecast, MonthSum{Month: month, Minor: minor})
	}
	sort.Slice(d.Forecast, func(i, j int) bool { return d.Forecast[i].Month < d.Forecast[j].Month })
	return nil
}

// historyMonths are the portal-time first instants of the history months, oldest first, and the
// first instant after the last one.
func (s *Service) historyMonths(today schedules.Date) []time.Time {
	first := historyStart(today)
	out := make([]time.Time, HistoryMonths+1)
	for k := range out {
		m := first.AddMonthsClamped(k)
		out[k] = time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, s.loc).UTC()
	}
	return out
}

// received sums the money providers settled per month of the history, and this month's fees, each
// fee computed per payment as the register shows it (one pass: payments grouped by route, amount and
// month, so the scan answers few rows).
func (s *Service) received(ctx context.Context, memberID string, f Filter, d *Dashboard) error {
	bounds := s.historyMonths(d.Today)
	month := "CASE"
	var margs []any
	for k := HistoryMonths - 1; k > 0; k-- {
		month += " WHEN p.settled_at >= ? THEN " + strconv.Itoa(k)
		margs = append(margs, bounds[k])
	}
	month += " ELSE 0 END"
	tail, args := f.payments("p.settled_at", s.loc)
	var rows []struct {
		Provider string
		Month    int
		Paid     int64
		N        int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT p.provider, `+month+` AS month, p.paid_minor AS paid, COUNT(*) AS n FROM payments p
 WHERE p.member_id = ? AND p.currency = ? AND p.settled_at >= ? AND p.settled_at < ? AND p.paid_minor > 0`+tail+`
 GROUP BY 1, 2, 3`, slices.Concat(margs, []any{memberID, d.Currency.Code, bounds[0], bounds[HistoryMonths]}, args)...).
		Scan(&rows).Error
	d.Collected = make([]MonthSum, HistoryMonths)
	for k := range d.Collected {
		d.Collected[k].Month = bounds[k].In(s.loc).Format("2006-01")
	}
	for _, r := range rows {
		d.Collected[r.Month].Minor += r.Paid * r.N
		if r.Month == HistoryMonths-1 {
			d.PaidMonth += r.Paid * r.N
			d.FeesMonth += s.fees.Fee(r.Provider, r.Paid) * r.N
		}
	}
	return err
}

// add counts what is owed on one due date into the figures.
func (d *Dashboard) add(due string, owed int64, horizon string, forecast map[string]int64) {
	today := d.Today
	d.Receivable += owed
	t := today.String()
	if due < t {
		d.Overdue += owed
		date, err := schedules.ParseDate(due)
		if err != nil {
			return
		}
		late := daysBetween(date, today)
		for i, b := range AgingBuckets {
			if late >= b.From && (b.To == 0 || late <= b.To) {
				d.Aging[i] += owed
			}
		}
		return
	}
	if due <= today.AddDays(7).String() {
		d.Due7 += owed
	}
	if due <= today.AddDays(30).String() {
		d.Due30 += owed
	}
	if due < horizon {
		forecast[due[:7]] += owed
	}
}

// daysBetween counts the calendar days from a to b.
func daysBetween(a, b schedules.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

// outgoing sums the company payments: booked this month, and every contract of the calendar (also
// those never paid yet) with its next payment; open contracts first, by date.
func (s *Service) outgoing(ctx context.Context, memberID string, f Filter, today schedules.Date) (Outgoing, error) {
	var o Outgoing
	db := s.db.WithContext(ctx)
	first := schedules.NewDate(today.Year, today.Month, 1)
	tail, args := f.contracts("c.assigned_by", "b.pay_date")
	if err := db.Raw(`SELECT COALESCE(SUM(b.amount_minor), 0) FROM company_payment_bookings b
 LEFT JOIN company_payment_items c ON c.member_id = b.member_id AND c.item_id = b.item_id
 WHERE b.member_id = ? AND b.currency = ? AND b.pay_date >= ? AND b.pay_date < ?`+tail,
		append([]any{memberID, f.currency(), first.String(), first.AddMonthsClamped(1).String()}, args...)...).
		Row().Scan(&o.PaidMonth); err != nil {
		return o, err
	}
	tail, args = f.contracts("assigned_by", "pay_date")
	err := db.Raw(`SELECT item_id, contract, company_id, pay_date AS date, amount_minor AS amount, remaining_minor AS remaining,
 stage, closed FROM company_payment_items WHERE member_id = ? AND currency = ? AND stage <> ?`+tail+`
 ORDER BY closed, pay_date, item_id`, append([]any{memberID, f.currency(), portal.CompanyPaymentCancelled}, args...)...).Scan(&o.Calendar).Error
	next := first.AddMonthsClamped(1).String()
	for _, u := range o.Calendar {
		if u.Closed {
			continue
		}
		o.Remaining += u.Remaining
		if u.Date != "" && u.Date < next {
			o.DueMonth += u.Amount // overdue ones included: still to pay
		}
	}
	return o, err
}
