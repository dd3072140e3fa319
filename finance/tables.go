package finance

import (
	"context"
	"slices"
	"time"
)

// Page asks for one page of a table, sorted by one of its columns.
type Page struct {
	Sort string // a column key the table knows; anything else is its default order
	Desc bool
	Page int // from 1
	Size int
}

func (p Page) offset() int { return (max(p.Page, 1) - 1) * p.limit() }

func (p Page) limit() int {
	if p.Size <= 0 || p.Size > 500 {
		return 50
	}
	return p.Size
}

// order returns the ORDER BY of the page from a whitelist of column keys → SQL expressions.
func (p Page) order(columns map[string]string, def string) string {
	expr, ok := columns[p.Sort]
	if !ok {
		return def
	}
	if p.Desc {
		return expr + " DESC, 1"
	}
	return expr + " ASC, 1"
}

// Debtor is the debt of one client (or of a deal without a client) in one currency.
type Debtor struct {
	ClientID  int64
	Name      string
	Schedules int
	Owed      int64
	Overdue   int64
	NextDue   string
}

// Debtors lists debt per client with its overdue part: owed is summed per schedule first from the
// instalments alone (one pass, no join per instalment), then per client over the active schedules, and
// the total number of debtors comes with the page (COUNT(*) OVER ()).
func (s *Service) Debtors(ctx context.Context, memberID string, f Filter, p Page) ([]Debtor, int64, error) {
	_, _, today := s.monthBounds()
	period, pargs := Filter{From: f.From, To: f.To}.instalments()
	if f.Manager != 0 { // the manager's schedules only, before anything is summed
		period += " AND i.schedule_id IN (SELECT ms.id FROM payment_schedules ms WHERE ms.member_id = ? AND ms.responsible_id = ?)"
		pargs = append(pargs, memberID, f.Manager)
	}
	order := p.order(map[string]string{"name": "name", "owed": "owed", "overdue": "overdue", "next": "next_due"}, "owed DESC, client_id")
	var rows []struct {
		Debtor
		Total int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT t.client_id, COALESCE(c.name, '') AS name, t.schedules, t.owed, t.overdue, t.next_due,
 COUNT(*) OVER () AS total FROM (
  SELECT COALESCE(s.client_id, 0) AS client_id, COUNT(*) AS schedules, SUM(a.owed) AS owed, SUM(a.overdue) AS overdue,
   MIN(a.next_due) AS next_due FROM (
   SELECT i.schedule_id, SUM(i.amount_minor - i.paid_minor) AS owed,
    SUM(CASE WHEN i.due < ? THEN i.amount_minor - i.paid_minor ELSE 0 END) AS overdue, MIN(i.due) AS next_due FROM instalments i
   WHERE i.member_id = ? AND i.status <> 'cancelled' AND i.paid_minor < i.amount_minor`+period+`
   GROUP BY i.schedule_id) a JOIN payment_schedules s ON s.id = a.schedule_id
  WHERE s.member_id = ? AND s.status = 'active' AND s.currency = ?
  GROUP BY 1) t LEFT JOIN clients c ON c.id = t.client_id
 ORDER BY `+order+` LIMIT ? OFFSET ?`,
		slices.Concat([]any{today.String(), memberID}, pargs, []any{memberID, f.currency(), p.limit(), p.offset()})...).Scan(&rows).Error
	out := make([]Debtor, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.Debtor, r.Total
	}
	if len(rows) == 0 && p.offset() > 0 && err == nil {
		// Past the last page: the count still answers.
		open, args := openInstalments(memberID, f)
		err = s.db.WithContext(ctx).Raw(`SELECT COUNT(DISTINCT COALESCE(s.client_id, 0))`+open, args...).Row().Scan(&total)
	}
	return out, total, err
}

// ScheduleDebt is one schedule of a client with what is owed on it.
type ScheduleDebt struct {
	ID        int64
	OwnerType string
	OwnerID   int64
	Title     string
	Total     int64
	Owed      int64
	Overdue   int64
}

// ClientSchedules is the drill-down of a debtor: the client's active schedules (0: schedules without
// a client), with what is owed on their instalments within the filter.
func (s *Service) ClientSchedules(ctx context.Context, memberID string, f Filter, clientID int64) ([]ScheduleDebt, error) {
	_, _, today := s.monthBounds()
	period, args := Filter{From: f.From, To: f.To}.instalments()
	manager, margs := Filter{Manager: f.Manager}.instalments()
	var rows []ScheduleDebt
	err := s.db.WithContext(ctx).Raw(`SELECT s.id, s.owner_type, s.owner_id, s.title, s.total_minor AS total,
 COALESCE(SUM(CASE WHEN i.status <> 'cancelled' THEN i.amount_minor - i.paid_minor ELSE 0 END), 0) AS owed,
 COALESCE(SUM(CASE WHEN i.status <> 'cancelled' AND i.due < ? THEN i.amount_minor - i.paid_minor ELSE 0 END), 0) AS overdue
 FROM payment_schedules s LEFT JOIN instalments i ON i.schedule_id = s.id`+period+`
 WHERE s.member_id = ? AND s.status = 'active' AND s.currency = ? AND COALESCE(s.client_id, 0) = ?`+manager+`
 GROUP BY s.id, s.owner_type, s.owner_id, s.title, s.total_minor ORDER BY s.id`,
		slices.Concat([]any{today.String()}, args, []any{memberID, f.currency(), clientID}, margs)...).Scan(&rows).Error
	return rows, err
}

// InstalmentRow is one instalment of a drilled-down schedule.
type InstalmentRow struct {
	Seq    int
	Due    string
	Amount int64
	Paid   int64
	Status string
}

// ScheduleInstalments lists a schedule's instalments (scoped by the portal).
func (s *Service) ScheduleInstalments(ctx context.Context, memberID string, scheduleID int64) ([]InstalmentRow, error) {
	var rows []InstalmentRow
	err := s.db.WithContext(ctx).Raw(`SELECT seq, due, amount_minor AS amount, paid_minor AS paid, status FROM instalments
 WHERE member_id = ? AND schedule_id = ? ORDER BY seq`, memberID, scheduleID).Scan(&rows).Error
	return rows, err
}

// RegisterRow is one provider payment, or one refund of it, for the payments register.
type RegisterRow struct {
	Kind        string // payment | refund
	ID          string
	PaymentID   string
	Provider    string
	ProviderRef string
	Status      string
	Amount      int64
	Paid        int64
	Refunded    int64
	Currency    string
	CreatedAt   time.Time
	Reconcile   string // settled | checking | open | closed
	Fee         int64  // the provider's fee on what was paid (B24PAY_FEES; refunds: 0)
	Net         int64  // paid − refunded − fee (refunds: 0)
}

// PaymentsRegister lists every provider payment and refund in the filter's currency with its
// reconciliation state, fee and net amount; the period is the day the payment or refund was created.
func (s *Service) PaymentsRegister(ctx context.Context, memberID string, f Filter, p Page) ([]RegisterRow, int64, error) {
	ptail, pargs := f.payments("p.created_at", s.loc)
	rtail, rargs := f.payments("r.created_at", s.loc)
	union := `SELECT 'payment' AS kind, p.id, p.id AS payment_id, p.provider, p.provider_ref, p.status, p.amount_minor AS amount,
 p.paid_minor AS paid, p.refunded_minor AS refunded, p.currency, p.created_at,
 CASE WHEN p.status IN ('succeeded', 'partially_refunded', 'refunded') AND p.settled_at IS NOT NULL THEN 'settled'
      WHEN p.status = 'unknown' OR p.next_check_at IS NOT NULL AND p.status = 'pending' THEN 'checking'
      WHEN p.status = 'pending' THEN 'open' ELSE 'closed' END AS reconcile
 FROM payments p WHERE p.member_id = ? AND p.currency = ?` + ptail + `
 UNION ALL
 SELECT 'refund', r.id, r.payment_id, p.provider, r.provider_ref, r.status, r.amount_minor, 0, r.amount_minor, p.currency, r.created_at,
 CASE WHEN r.status = 'succeeded' THEN 'settled' WHEN r.status = 'pending' THEN 'checking' ELSE 'closed' END
 FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.member_id = ? AND p.currency = ?` + rtail
	args := slices.Concat([]any{memberID, f.currency()}, pargs, []any{memberID, f.currency()}, rargs)
	var total int64
	if err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM ("+union+") t", args...).Row().Scan(&total); err != nil {
		return nil, 0, err
	}
	order := p.order(map[string]string{"created": "created_at", "amount": "amount", "status": "status", "provider": "provider"},
		"created_at DESC, id")
	var rows []RegisterRow
	err := s.db.WithContext(ctx).Raw("SELECT * FROM ("+union+") t ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, p.limit(), p.offset())...).Scan(&rows).Error
	for i := range rows {
		if r := &rows[i]; r.Kind == "payment" {
			r.Fee = s.fees.Fee(r.Provider, r.Paid)
			r.Net = r.Paid - r.Refunded - r.Fee
		}
	}
	return rows, total, err
}
