package finance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"b24pay/schedules"
)

// Figure names one dashboard figure whose rows can be listed (the drill-down):
//   - instalments: receivable, overdue, due7, due30, aging-N (AgingBuckets[N]), forecast-YYYY-MM,
//     ontime and late (the on-time share);
//   - money: paid (settled payments), refunded (refunds that succeeded), net (both) of a month
//     (Month "": this month);
//   - outgoing: out-paid (bookings of this month), out-due (contracts to pay this month),
//     out-remaining (open contracts).
type Figure struct {
	Key    string
	Month  string // YYYY-MM of forecast-, collected- and the money figures
	Bucket int    // of aging-N
}

// Figure kinds.
const (
	FigureInstalments = "instalments"
	FigureMoney       = "money"
	FigureOutgoing    = "outgoing"
)

var instalmentFigures = []string{"receivable", "overdue", "due7", "due30", "ontime", "late"}

// ParseFigure reads a figure key as the page's links carry it.
func ParseFigure(s string) (Figure, bool) {
	if slices.Contains(instalmentFigures, s) || slices.Contains([]string{"paid", "refunded", "net", "out-paid", "out-due", "out-remaining"}, s) {
		return Figure{Key: s}, true
	}
	if n, ok := strings.CutPrefix(s, "aging-"); ok {
		k, err := strconv.Atoi(n)
		return Figure{Key: "aging", Bucket: k}, err == nil && k >= 0 && k < len(AgingBuckets)
	}
	for _, prefix := range []string{"forecast", "paid", "collected"} {
		if m, ok := strings.CutPrefix(s, prefix+"-"); ok {
			if _, err := time.Parse("2006-01", m); err != nil {
				return Figure{}, false
			}
			if prefix == "collected" {
				prefix = "paid" // the history's months list what was paid in them
			}
			return Figure{Key: prefix, Month: m}, true
		}
	}
	return Figure{}, false
}

// String is the key the page's links carry.
func (g Figure) String() string {
	switch {
	case g.Key == "aging":
		return fmt.Sprintf("aging-%d", g.Bucket)
	case g.Month != "":
		return g.Key + "-" + g.Month
	}
	return g.Key
}

// Kind tells which list a figure drills down to.
func (g Figure) Kind() string {
	switch {
	case g.Key == "aging" || g.Key == "forecast" || slices.Contains(instalmentFigures, g.Key):
		return FigureInstalments
	case strings.HasPrefix(g.Key, "out-"):
		return FigureOutgoing
	}
	return FigureMoney
}

// FigureInstalment is one instalment behind a figure, with its deal (or lead) and client.
type FigureInstalment struct {
	ID         int64
	ScheduleID int64
	OwnerType  string
	OwnerID    int64
	Title      string
	ClientName string
	Seq        int
	Due        string
	Amount     int64
	Paid       int64
	PaidOn     string
	Status     string
}

// Owed is what is still owed on the instalment.
func (r FigureInstalment) Owed() int64 { return r.Amount - r.Paid }

// where is the condition that selects the instalments of an instalment figure, by the same date rules
// as the figure itself.
func (g Figure) where(today schedules.Date) (string, []any) {
	open := " AND i.paid_minor < i.amount_minor"
	t := today.String()
	start := historyStart(today).String()
	switch g.Key {
	case "overdue":
		return open + " AND i.due < ?", []any{t}
	case "due7", "due30":
		days := map[string]int{"due7": 7, "due30": 30}[g.Key]
		return open + " AND i.due >= ? AND i.due <= ?", []any{t, today.AddDays(days).String()}
	case "aging":
		b := AgingBuckets[g.Bucket]
		sql, args := open+" AND i.due <= ?", []any{today.AddDays(-b.From).String()}
		if b.To != 0 {
			sql, args = sql+" AND i.due >= ?", append(args, today.AddDays(-b.To).String())
		}
		return sql, args
	case "forecast":
		m, _ := time.Parse("2006-01", g.Month)
		first := schedules.NewDate(m.Year(), m.Month(), 1)
		return open + " AND i.due >= ? AND i.due < ? AND i.due >= ? AND i.due < ?",
			[]any{t, today.AddMonthsClamped(12).String(), first.String(), first.AddMonthsClamped(1).String()}
	case "ontime":
		return " AND i.due >= ? AND i.due < ? AND i.paid_minor >= i.amount_minor AND i.paid_on <> '' AND i.paid_on <= i.due", []any{start, t}
	case "late":
		return " AND i.due >= ? AND i.due < ? AND (i.paid_minor < i.amount_minor OR i.paid_on > i.due)", []any{start, t}
	}
	return open, nil // receivable
}

// FigureInstalments lists the instalments behind an instalment figure, one page, with their total
// number; sorted by due date unless the page asks otherwise.
func (s *Service) FigureInstalments(ctx context.Context, memberID string, f Filter, g Figure, p Page) ([]FigureInstalment, int64, error) {
	_, _, today := s.monthBounds()
	from, args := activeInstalments(memberID, f, " LEFT JOIN clients c ON c.id = s.client_id")
	cond, cargs := g.where(today)
	order := p.order(map[string]string{"due": "i.due", "amount": "i.amount_minor", "owed": "i.amount_minor - i.paid_minor",
		"client": "client_name"}, "i.due, i.id")
	var rows []struct {
		FigureInstalment
		Total int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT i.id, i.schedule_id, s.owner_type, s.owner_id, s.title, COALESCE(c.name, '') AS client_name,
 i.seq, i.due, i.amount_minor AS amount, i.paid_minor AS paid, i.paid_on, i.status, COUNT(*) OVER () AS total`+
		from+cond+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, slices.Concat(args, cargs, []any{p.limit(), p.offset()})...).Scan(&rows).Error
	out := make([]FigureInstalment, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.FigureInstalment, r.Total
	}
	return out, total, err
}

// MoneyRow is a settled payment or a succeeded refund behind a money figure, with the deal it paid.
type MoneyRow struct {
	Kind      string // payment | refund
	ID        string
	Provider  string
	At        time.Time
	Amount    int64 // paid (payment) or refunded (refund)
	Fee       int64 // the provider's fee on a payment (B24PAY_FEES)
	OwnerType string
	OwnerID   int64
	Title     string
}

// FigureMoney lists the payments settled and/or the refunds that succeeded in the figure's month (the
// portal's calendar), every row with the deal it paid when it paid an instalment.
func (s *Service) FigureMoney(ctx context.Context, memberID string, f Filter, g Figure, p Page) ([]MoneyRow, int64, error) {
	from, to := s.monthOf(g.Month)
	var parts []string
	var args []any
	deal := ` LEFT JOIN instalments di ON p.payable_kind = 'instalment' AND di.id = p.payable_id
 LEFT JOIN payment_schedules ds ON ds.id = di.schedule_id`
	if g.Key != "refunded" {
		tail, targs := f.payments("p.settled_at", s.loc)
		parts = append(parts, `SELECT 'payment' AS kind, p.id, p.provider, p.settled_at AS at, p.paid_minor AS amount,
 COALESCE(ds.owner_type, '') AS owner_type, COALESCE(ds.owner_id, 0) AS owner_id, COALESCE(ds.title, '') AS title FROM payments p`+deal+`
 WHERE p.member_id = ? AND p.currency = ? AND p.settled_at >= ? AND p.settled_at < ? AND p.paid_minor > 0`+tail)
		args = slices.Concat(args, []any{memberID, f.currency(), from, to}, targs)
	}
	if g.Key != "paid" {
		tail, targs := f.payments("r.updated_at", s.loc)
		parts = append(parts, `SELECT 'refund' AS kind, r.id, p.provider, r.updated_at AS at, r.amount_minor AS amount,
 COALESCE(ds.owner_type, '') AS owner_type, COALESCE(ds.owner_id, 0) AS owner_id, COALESCE(ds.title, '') AS title FROM refunds r JOIN payments p ON p.id = r.payment_id`+deal+`
 WHERE r.member_id = ? AND p.currency = ? AND r.status = 'succeeded' AND r.updated_at >= ? AND r.updated_at < ?`+tail)
		args = slices.Concat(args, []any{memberID, f.currency(), from, to}, targs)
	}
	order := p.order(map[string]string{"at": "at", "amount": "amount", "provider": "provider"}, "at, id")
	var rows []struct {
		MoneyRow
		Total int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT t.*, COUNT(*) OVER () AS total FROM (`+strings.Join(parts, " UNION ALL ")+`) t
 ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, p.limit(), p.offset())...).Scan(&rows).Error
	out := make([]MoneyRow, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.MoneyRow, r.Total
		if r.Kind == "payment" {
			out[i].Fee = s.fees.Fee(r.Provider, r.Amount)
		}
	}
	return out, total, err
}

// monthOf is the portal-time first instant of a month (YYYY-MM; "": this month) and of the next.
func (s *Service) monthOf(month string) (time.Time, time.Time) {
	m, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		from, to, _ := s.monthBounds()
		return from, to
	}
	return m.UTC(), m.AddDate(0, 1, 0).UTC()
}

// FigureOutgoing lists the company payments behind an outgoing figure: the bookings of this month
// (out-paid), or the contracts of the calendar still to pay this month (out-due) or still open
// (out-remaining), as Upcoming rows (a booking: its payment date and amount, the remaining debt after it).
func (s *Service) FigureOutgoing(ctx context.Context, memberID string, f Filter, g Figure) ([]Upcoming, error) {
	_, _, today := s.monthBounds()
	first := schedules.NewDate(today.Year, today.Month, 1)
	next := first.AddMonthsClamped(1).String()
	if g.Key == "out-paid" {
		tail, args := f.contracts("c.assigned_by", "b.pay_date")
		var rows []Upcoming
		err := s.db.WithContext(ctx).Raw(`SELECT b.item_id, b.contract, b.company_id,
 b.pay_date AS date, b.amount_minor AS amount, b.remaining_minor AS remaining, 'paid' AS stage, b.closed FROM company_payment_bookings b
 LEFT JOIN company_payment_items c ON c.member_id = b.member_id AND c.item_id = b.item_id
 WHERE b.member_id = ? AND b.currency = ? AND b.pay_date >= ? AND b.pay_date < ?`+tail+` ORDER BY b.pay_date, b.item_id`,
			append([]any{memberID, f.currency(), first.String(), next}, args...)...).Scan(&rows).Error
		return rows, err
	}
	o, err := s.outgoing(ctx, memberID, f, today)
	var out []Upcoming
	for _, u := range o.Calendar {
		if !u.Closed && (g.Key == "out-remaining" || u.Date != "" && u.Date < next) {
			out = append(out, u)
		}
	}
	return out, err
}

// Outgoing is the outgoing side of the dashboard alone (its view shows nothing of the incoming one).
func (s *Service) Outgoing(ctx context.Context, memberID string, f Filter) (Outgoing, error) {
	_, _, today := s.monthBounds()
	return s.outgoing(ctx, memberID, f, today)
}
