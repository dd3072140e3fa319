package instalment

import (
	"context"
	"time"

	"b24pay/schedules"
)

// View is a schedule as the tab shows it.
type View struct {
	ID          int64            `json:"id"`
	Scheme      string           `json:"scheme"`
	Currency    string           `json:"currency"`
	Total       string           `json:"total"`
	Paid        string           `json:"paid"`
	Remaining   string           `json:"remaining"`
	Overpayment string           `json:"overpayment"`
	Syncing     bool             `json:"syncing"`
	Instalments []InstalmentView `json:"instalments"`
	History     []ChangeView     `json:"history"`
}

// InstalmentView is one row of the schedule.
type InstalmentView struct {
	ID          int64  `json:"id"`
	Seq         int    `json:"seq"`
	Kind        string `json:"kind"`
	Due         string `json:"due"`
	ShiftedFrom string `json:"shifted_from,omitempty"`
	ShiftNote   string `json:"shift_note,omitempty"` // «перенесено с 01.01.2029 — праздник»
	Amount      string `json:"amount"`
	Paid        string `json:"paid"`
	Principal   string `json:"principal"`
	Interest    string `json:"interest"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Sync        string `json:"sync"`
	SyncError   string `json:"sync_error"`
	ItemID      *int64 `json:"item_id"`
	InvoiceID   *int64 `json:"invoice_id"`
	Editable    bool   `json:"editable"`
}

// ChangeView is one history entry.
type ChangeView struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Text   string    `json:"text"`
}

// StatusLabels are the Russian names of instalment statuses (and smart-process stages).
var StatusLabels = map[string]string{
	StatusPlanned: "Запланирован", StatusInvoiced: "Счёт выставлен", StatusPartlyPaid: "Оплачен частично",
	StatusPaid: "Оплачен", StatusOverdue: "Просрочен", StatusCancelled: "Отменён",
}

// View returns the owner's active schedule.
func (s *Service) View(ctx context.Context, o Owner) (*View, error) {
	db := s.db.WithContext(ctx)
	sch, err := active(db, o)
	if err != nil {
		return nil, err
	}
	rows, err := instalmentsOf(db, sch.ID)
	if err != nil {
		return nil, err
	}
	var changes []Change
	if err := db.Where("schedule_id = ?", sch.ID).Order("id DESC").Limit(200).Find(&changes).Error; err != nil {
		return nil, err
	}
	return buildView(sch, rows, changes), nil
}

func buildView(sch Schedule, rows []Instalment, changes []Change) *View {
	cur, _ := schedules.LookupCurrency(sch.Currency)
	money := func(m int64) string { return cur.Plain(major(m, cur)) }
	v := &View{ID: sch.ID, Scheme: sch.Scheme, Currency: sch.Currency, Overpayment: money(sch.OverpaidMinor),
		Instalments: make([]InstalmentView, 0, len(rows)), History: make([]ChangeView, 0, len(changes))}
	var total, paid, remaining int64
	for _, r := range rows {
		if r.Status != StatusCancelled {
			total += r.AmountMinor
			remaining += r.Outstanding()
		}
		paid += r.PaidMinor
		iv := InstalmentView{ID: r.ID, Seq: r.Seq, Kind: r.Kind, Due: r.Due, Amount: money(r.AmountMinor), Paid: money(r.PaidMinor),
			Status: r.Status, StatusLabel: StatusLabels[r.Status], Sync: r.B24Sync, SyncError: r.B24Error, ItemID: r.B24ItemID,
			InvoiceID: r.InvoiceID, Editable: r.PaidMinor == 0 && r.Status != StatusCancelled && !frozen(r, nil)}
		if from, err := schedules.ParseDate(r.ShiftedFrom); err == nil {
			iv.ShiftedFrom = r.ShiftedFrom
			iv.ShiftNote = schedules.Payment{ShiftedFrom: from, ShiftReason: schedules.ShiftReason(r.ShiftReason)}.ShiftNoteRU()
		}
		if r.PrincipalMinor != 0 || r.InterestMinor != 0 {
			iv.Principal, iv.Interest = money(r.PrincipalMinor), money(r.InterestMinor)
		}
		v.Syncing = v.Syncing || r.B24Sync == SyncPending
		v.Instalments = append(v.Instalments, iv)
	}
	v.Total, v.Paid, v.Remaining = money(total), money(paid), money(remaining)
	for _, c := range changes {
		v.History = append(v.History, ChangeView{At: c.CreatedAt, Actor: c.Actor, Action: c.Action, Text: c.Detail})
	}
	return v
}

// Summary is the portal-wide figure shown on the app page.
type Summary struct {
	Schedules   int
	Instalments int
	Debt        string // formatted, e.g. «125 000,00 ₽»
}

// Summary counts active schedules, their open instalments and the remaining debt (in roubles).
func (s *Service) Summary(ctx context.Context, memberID string) (Summary, error) {
	var row struct {
		Schedules   int
		Instalments int
		Debt        int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT COUNT(DISTINCT s.id) AS schedules,
		COUNT(CASE WHEN i.amount_minor > i.paid_minor THEN 1 END) AS instalments,
		COALESCE(SUM(i.amount_minor - i.paid_minor), 0) AS debt
		FROM payment_schedules s JOIN instalments i ON i.schedule_id = s.id
		WHERE s.member_id = ? AND s.status = 'active' AND i.status <> 'cancelled'`, memberID).Scan(&row).Error
	rub, _ := schedules.LookupCurrency("RUB")
	return Summary{Schedules: row.Schedules, Instalments: row.Instalments, Debt: rub.Human(major(row.Debt, rub))}, err
}
