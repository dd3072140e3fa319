package instalment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/schedules"
	"b24pay/store"
)

// Errors the HTTP layer maps to statuses.
var (
	ErrNoSchedule     = errors.New("instalment: the deal has no payment schedule")
	ErrScheduleExists = errors.New("instalment: the deal already has a payment schedule")
	ErrNotFound       = errors.New("instalment: no such instalment")
	ErrNotEditable    = errors.New("instalment: only unpaid instalments can be changed")
	ErrHasInvoice     = errors.New("instalment: an invoice is already issued for this instalment")
)

// Outbox topics handled by this package.
const (
	TopicSyncSchedule = "b24.schedule.sync"
	TopicDealDebt     = "b24.deal.debt"
	TopicIssueInvoice = "b24.invoice.issue"
	TopicNotify       = "b24.notify"
)

// Service is the instalment domain.
type Service struct {
	db       *store.DB
	clock    clock.Clock
	loc      *time.Location
	portals  *portal.Repo
	clients  *portal.Clients
	log      *slog.Logger
	remindIn int
	merchant string
	orders   Orders         // withdraws open pay links before instalments are cancelled
	inFlight InFlight       // nil without billing: nothing is ever being paid
	syncs    [64]sync.Mutex // striped by schedule id: one push of a schedule at a time in this process
}

// Config tunes the service.
type Config struct {
	Location   *time.Location // the portal's time zone: due dates and "today"
	RemindDays int            // remind this many days before a due date
	Merchant   string         // the seller's name in the client's e-mails
}

// NewService wires the domain.
func NewService(db *store.DB, clk clock.Clock, portals *portal.Repo, clients *portal.Clients, log *slog.Logger, cfg Config) *Service {
	return &Service{db: db, clock: clk, loc: cfg.Location, portals: portals, clients: clients, log: log, remindIn: cfg.RemindDays,
		merchant: cfg.Merchant}
}

// today is the portal's calendar date now.
func (s *Service) today() schedules.Date {
	t := s.clock.Now().In(s.loc)
	return schedules.NewDate(t.Year(), t.Month(), t.Day())
}

// Preview builds a plan by the portal's calendar without storing anything.
func (s *Service) Preview(ctx context.Context, memberID string, p schedules.Plan) (schedules.Schedule, error) {
	if err := s.withCalendar(ctx, memberID, &p); err != nil {
		return schedules.Schedule{}, err
	}
	return schedules.Build(p)
}

// withCalendar gives a business-day plan the portal's calendar (its own decree transfers).
func (s *Service) withCalendar(ctx context.Context, memberID string, p *schedules.Plan) error {
	if !p.BusinessDays {
		return nil
	}
	cal, err := s.Calendar(ctx, memberID)
	p.Calendar = cal
	return err
}

// Create stores a new schedule for the owner and queues its items for Bitrix24.
func (s *Service) Create(ctx context.Context, actor Actor, o OwnerInfo, p schedules.Plan) (*View, error) {
	if err := s.withCalendar(ctx, o.MemberID, &p); err != nil {
		return nil, err
	}
	built, err := schedules.Build(p)
	if err != nil {
		return nil, err
	}
	cur := built.Currency
	planJSON, _ := json.Marshal(p)
	now := s.clock.Now()
	sch := Schedule{MemberID: o.MemberID, OwnerType: o.Type, OwnerID: o.ID, Title: o.Title, ClientID: o.ClientID,
		ResponsibleID: o.ResponsibleID, Scheme: string(p.Scheme), Currency: cur.Code, TotalMinor: minor(built.Payable(), cur),
		Plan: string(planJSON), Status: ScheduleActive, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Schedule{}).Where("member_id = ? AND owner_type = ? AND owner_id = ? AND status = ?",
			o.MemberID, o.Type, o.ID, ScheduleActive).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrScheduleExists
		}
		if err := tx.Create(&sch).Error; err != nil {
			return err
		}
		rows := make([]Instalment, len(built.Payments))
		for i, pm := range built.Payments {
			rows[i] = Instalment{ScheduleID: sch.ID, MemberID: o.MemberID, Seq: pm.N, Kind: string(pm.Kind), Due: pm.Due.String(),
				AmountMinor: pm.AmountMinor, PrincipalMinor: pm.PrincipalMinor, InterestMinor: pm.InterestMinor,
				Status: StatusPlanned, B24Sync: SyncPending, UpdatedAt: now, ShiftReason: string(pm.ShiftReason)}
			if !pm.ShiftedFrom.IsZero() {
				rows[i].ShiftedFrom = pm.ShiftedFrom.String()
			}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		detail := fmt.Sprintf("График создан: %d %s на %s", len(rows), schedules.PluralRU(len(rows), "платёж", "платежа", "платежей"), cur.Human(built.Payable()))
		return s.record(tx, sch, actor, "created", detail, true)
	})
	if store.IsUniqueViolation(err) {
		return nil, ErrScheduleExists
	}
	if err != nil {
		return nil, err
	}
	return s.View(ctx, o.Owner)
}

// record writes a history entry and queues the Bitrix24 side: item sync and, for deals, the debt.
func (s *Service) record(tx *gorm.DB, sch Schedule, actor Actor, action, detail string, sync bool) error {
	_, err := s.recordChange(tx, sch, actor, action, detail, sync)
	return err
}

// recordChange is record that also returns the history entry written.
func (s *Service) recordChange(tx *gorm.DB, sch Schedule, actor Actor, action, detail string, sync bool) (Change, error) {
	ch := Change{ScheduleID: sch.ID, MemberID: sch.MemberID, ActorID: actor.UserID, Actor: actorName(actor),
		Action: action, Detail: detail, CreatedAt: s.clock.Now()}
	if err := tx.Create(&ch).Error; err != nil {
		return ch, err
	}
	if !sync {
		return ch, nil
	}
	return ch, s.enqueueSync(tx, sch)
}

func (s *Service) enqueueSync(tx *gorm.DB, sch Schedule) error {
	return s.enqueueSyncIn(tx, sch, outbox.LaneInteractive)
}

// enqueueSyncIn queues the schedule's push in a lane: interactive for a person's change, bulk for
// the periodic re-sync.
func (s *Service) enqueueSyncIn(tx *gorm.DB, sch Schedule, lane outbox.Lane) error {
	now := s.clock.Now()
	if err := outbox.Enqueue(tx, now, outbox.Message{Topic: TopicSyncSchedule, MemberID: sch.MemberID,
		Payload: syncJob{ScheduleID: sch.ID}, Lane: lane}); err != nil {
		return err
	}
	if sch.OwnerType != "deal" {
		return nil
	}
	return outbox.Enqueue(tx, now, outbox.Message{Topic: TopicDealDebt, MemberID: sch.MemberID,
		Payload: debtJob{DealID: sch.OwnerID}, Lane: lane})
}

func actorName(a Actor) string {
	if a.Name != "" {
		return a.Name
	}
	if a.UserID != 0 {
		return fmt.Sprintf("Пользователь #%d", a.UserID)
	}
	return SystemActor.Name
}

// active loads the owner's active schedule.
func active(tx *gorm.DB, o Owner) (Schedule, error) {
	var sch Schedule
	err := tx.Where("member_id = ? AND owner_type = ? AND owner_id = ? AND status = ?", o.MemberID, o.Type, o.ID, ScheduleActive).
		Take(&sch).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sch, ErrNoSchedule
	}
	return sch, err
}

func instalmentsOf(tx *gorm.DB, scheduleID int64) ([]Instalment, error) {
	var rows []Instalment
	return rows, tx.Where("schedule_id = ?", scheduleID).Order("seq").Find(&rows).Error
}

// Edit changes one free instalment's date and/or amount; the other free instalments are
// rebalanced so the schedule's total is kept, or the change is refused with the engine's reason.
// Paid, invoiced and being-paid instalments and the down payment are frozen (see frozen).
func (s *Service) Edit(ctx context.Context, actor Actor, o Owner, instalmentID int64, due schedules.Date, amount decimal.Decimal) (*View, error) {
	// The edited instalment's own open order follows its new amount (queued with the change);
	// other instalments being paid stay frozen and the rebalance goes around them.
	paying, err := s.paying(ctx, o)
	if err != nil {
		return nil, err
	}
	delete(paying, instalmentID)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := rebalanced(tx, o, instalmentID, due, amount, paying)
		if err != nil {
			return err
		}
		return s.applyRebalance(tx, e.sch, e.rows, e.out, e.cur, actor, e.rows[e.target].Seq)
	})
	if err != nil {
		return nil, err
	}
	return s.View(ctx, o)
}

// editPlan is an edit worked out on the stored rows: the schedule, its rows, the rebalanced open
// instalments and the index of the edited row.
type editPlan struct {
	sch    Schedule
	rows   []Instalment
	out    []schedules.Open
	cur    schedules.Currency
	target int
}

// rebalanced works out an edit without writing it.
func rebalanced(tx *gorm.DB, o Owner, instalmentID int64, due schedules.Date, amount decimal.Decimal, paying map[int64]bool) (*editPlan, error) {
	sch, err := active(tx, o)
	if err != nil {
		return nil, err
	}
	rows, err := instalmentsOf(tx, sch.ID)
	if err != nil {
		return nil, err
	}
	cur, _ := schedules.LookupCurrency(sch.Currency)
	target := -1
	open := make([]schedules.Open, 0, len(rows))
	for i, r := range rows {
		if r.ID == instalmentID {
			target = i
		}
		if r.Status == StatusCancelled {
			continue
		}
		d, _ := schedules.ParseDate(r.Due)
		open = append(open, schedules.Open{Seq: r.Seq, Due: d, Amount: major(r.AmountMinor, cur), Paid: major(r.PaidMinor, cur),
			Frozen: frozen(r, paying)})
	}
	if target < 0 {
		return nil, ErrNotFound
	}
	if rows[target].PaidMinor > 0 || rows[target].Status == StatusCancelled || frozen(rows[target], paying) {
		return nil, ErrNotEditable
	}
	out, err := schedules.Rebalance(open, schedules.Edit{Seq: rows[target].Seq, Due: due, Amount: amount}, sch.Currency)
	if err != nil {
		return nil, err
	}
	return &editPlan{sch: sch, rows: rows, out: out, cur: cur, target: target}, nil
}

// EditChange is one instalment an edit would change, for the tab's preview before saving.
type EditChange struct {
	Seq       int    `json:"seq"`
	Due       string `json:"due"`
	Amount    string `json:"amount"`
	OldDue    string `json:"old_due"`
	OldAmount string `json:"old_amount"`
}

// PreviewEdit tells which instalments an edit would change, and how, without changing anything.
func (s *Service) PreviewEdit(ctx context.Context, o Owner, instalmentID int64, due schedules.Date, amount decimal.Decimal) ([]EditChange, error) {
	paying, err := s.paying(ctx, o)
	if err != nil {
		return nil, err
	}
	e, err := rebalanced(s.db.WithContext(ctx), o, instalmentID, due, amount, paying)
	if err != nil {
		return nil, err
	}
	old := map[int]Instalment{}
	for _, r := range e.rows {
		old[r.Seq] = r
	}
	changes := []EditChange{}
	for _, n := range e.out {
		r := old[n.Seq]
		oldAmount := major(r.AmountMinor, e.cur)
		if n.Due.String() == r.Due && n.Amount.Equal(oldAmount) {
			continue
		}
		changes = append(changes, EditChange{Seq: n.Seq, Due: n.Due.String(), Amount: n.Amount.StringFixed(e.cur.Minor),
			OldDue: r.Due, OldAmount: oldAmount.StringFixed(e.cur.Minor)})
	}
	return changes, nil
}

func (s *Service) applyRebalance(tx *gorm.DB, sch Schedule, rows []Instalment, out []schedules.Open, cur schedules.Currency, actor Actor, seq int) error {
	bySeq := map[int]schedules.Open{}
	for _, o := range out {
		bySeq[o.Seq] = o
	}
	today := s.today().String()
	var changed []string
	var moved []int64
	for _, r := range rows {
		o, ok := bySeq[r.Seq]
		if !ok {
			continue
		}
		amt, due := minor(o.Amount, cur), o.Due.String()
		if amt == r.AmountMinor && due == r.Due {
			continue
		}
		changed = append(changed, fmt.Sprintf("№%d: %s → %s, %s → %s", r.Seq, r.Due, due,
			cur.Human(major(r.AmountMinor, cur)), cur.Human(o.Amount)))
		if amt != r.AmountMinor {
			moved = append(moved, r.ID)
		}
		dateMoved := due != r.Due
		r.AmountMinor, r.Due = amt, due
		if r.Status == StatusOverdue && due >= today {
			r.Status = StatusPlanned
		}
		r.Status = deriveStatus(r, today)
		updates := map[string]any{"amount_minor": amt, "due": due, "status": r.Status, "b24_sync": SyncPending,
			"updated_at": s.clock.Now()}
		if dateMoved {
			updates["reminded_at"], updates["overdue_notified_at"] = nil, nil // remind again for the new date
			updates["shifted_from"], updates["shift_reason"] = "", ""         // the manager's date, not a shift
		}
		if err := tx.Model(&Instalment{}).Where("id = ?", r.ID).Updates(updates).Error; err != nil {
			return err
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if err := s.amountsChanged(tx, sch.MemberID, moved); err != nil {
		return err
	}
	detail := fmt.Sprintf("Изменён платёж №%d; пересчитано: %s", seq, joinLimited(changed, 6))
	return s.record(tx, sch, actor, "edited", detail, true)
}

func joinLimited(parts []string, limit int) string {
	out := ""
	for i, p := range parts {
		if i == limit {
			return out + fmt.Sprintf("; и ещё %d", len(parts)-limit)
		}
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}

// Delete removes the owner's schedule: every open pay link is withdrawn at its provider first, then
// unpaid instalments are cancelled in Bitrix24, paid ones kept.
func (s *Service) Delete(ctx context.Context, actor Actor, o Owner) error {
	ids, err := s.scheduleInstalmentIDs(ctx, o)
	if err != nil {
		return err
	}
	if err := s.withdraw(ctx, o.MemberID, ids); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sch, err := active(tx, o)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		res := tx.Model(&Instalment{}).Where("schedule_id = ? AND paid_minor = 0 AND status <> ?", sch.ID, StatusCancelled).
			Updates(map[string]any{"status": StatusCancelled, "b24_sync": SyncPending, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.Model(&Schedule{}).Where("id = ?", sch.ID).
			Updates(map[string]any{"status": ScheduleDeleted, "deleted_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		detail := fmt.Sprintf("График удалён; отменено неоплаченных платежей: %d", res.RowsAffected)
		return s.record(tx, sch, actor, "deleted", detail, true)
	})
}

// IssueInvoice queues a Bitrix24 smart invoice for one open instalment.
func (s *Service) IssueInvoice(ctx context.Context, actor Actor, o Owner, instalmentID int64) (*View, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sch, err := active(tx, o)
		if err != nil {
			return err
		}
		var in Instalment
		if err := tx.Where("id = ? AND schedule_id = ?", instalmentID, sch.ID).Take(&in).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		switch {
		case in.InvoiceID != nil:
			return ErrHasInvoice
		case !in.Open():
			return ErrNotEditable
		}
		if err := outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicIssueInvoice, MemberID: o.MemberID,
			Key: fmt.Sprintf("invoice:%d", in.ID), Payload: invoiceJob{InstalmentID: in.ID}}); err != nil {
			return err
		}
		return s.record(tx, sch, actor, "invoice_requested", fmt.Sprintf("Запрошен счёт на платёж №%d", in.Seq), false)
	})
	if err != nil {
		return nil, err
	}
	return s.View(ctx, o)
}

// ActorNames are the names the given users left in the portal's schedule histories (the newest of
// each; entries written without a name are skipped). One indexed-by-id lookup per user.
func (s *Service) ActorNames(ctx context.Context, memberID string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range ids {
		var names []string
		err := s.db.WithContext(ctx).Model(&Change{}).Where("member_id = ? AND actor_id = ? AND actor <> ?", memberID, id,
			actorName(Actor{UserID: id})).Order("id DESC").Limit(1).Pluck("actor", &names).Error
		if err != nil {
			return out, err
		}
		if len(names) > 0 {
			out[id] = names[0]
		}
	}
	return out, nil
}
