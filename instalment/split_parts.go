package instalment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/schedules"
	"b24pay/store"
)

// SchemeSplit marks a schedule made of the parts of a split invoice.
const SchemeSplit = "split"

// InvoicePart is one part of a split invoice, already created as a Bitrix24 smart invoice.
type InvoicePart struct {
	Seq       int
	Due       schedules.Date
	Amount    decimal.Decimal
	InvoiceID int64
}

// SplitSchedule is the schedule a split invoice becomes, so payment, reminders, overdue marking
// and the dashboards work for its parts like for any instalment.
type SplitSchedule struct {
	Owner    Owner
	Source   string // the split's key: a retry of the same split finds its own schedule
	Currency string
	Parts    []InvoicePart
	Remind   bool // false: the reminder pass skips these instalments (marked as reminded)
}

type splitPlan struct {
	Scheme string `json:"scheme"`
	Source string `json:"source"`
	Parts  int    `json:"parts"`
}

// SplitOwnerFree reports ErrScheduleExists when the owner already has an active schedule that
// another split (or a manager) made: the parts could not become its instalments.
func (s *Service) SplitOwnerFree(ctx context.Context, o Owner, source string) error {
	sch, err := active(s.db.WithContext(ctx), o)
	switch {
	case errors.Is(err, ErrNoSchedule):
		return nil
	case err != nil:
		return err
	case madeBy(sch, source):
		return nil
	}
	return ErrScheduleExists
}

func madeBy(sch Schedule, source string) bool {
	var p splitPlan
	return json.Unmarshal([]byte(sch.Plan), &p) == nil && p.Scheme == SchemeSplit && p.Source == source
}

// CreateFromSplit stores the parts as the owner's schedule with invoiced instalments and queues
// their Bitrix24 items. Repeating it for the same source returns the schedule made the first time.
func (s *Service) CreateFromSplit(ctx context.Context, actor Actor, in SplitSchedule) (int64, error) {
	if sch, err := active(s.db.WithContext(ctx), in.Owner); err == nil && madeBy(sch, in.Source) {
		return sch.ID, nil
	}
	info, err := s.LoadOwner(ctx, in.Owner)
	if err != nil {
		return 0, err
	}
	cur, err := schedules.LookupCurrency(in.Currency)
	if err != nil {
		return 0, err
	}
	plan, _ := json.Marshal(splitPlan{Scheme: SchemeSplit, Source: in.Source, Parts: len(in.Parts)})
	now := s.clock.Now()
	sch := Schedule{MemberID: in.Owner.MemberID, OwnerType: in.Owner.Type, OwnerID: in.Owner.ID, Title: info.Title,
		ClientID: info.ClientID, ResponsibleID: info.ResponsibleID, Scheme: SchemeSplit, Currency: cur.Code,
		Plan: string(plan), Status: ScheduleActive, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	total := decimal.Zero
	for _, p := range in.Parts {
		total = total.Add(p.Amount)
	}
	sch.TotalMinor = minor(total, cur)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&sch).Error; err != nil {
			return err
		}
		rows := make([]Instalment, len(in.Parts))
		for i, p := range in.Parts {
			id := p.InvoiceID
			rows[i] = Instalment{ScheduleID: sch.ID, MemberID: sch.MemberID, Seq: p.Seq, Kind: string(schedules.KindInstalment), Due: p.Due.String(),
				AmountMinor: minor(p.Amount, cur), PrincipalMinor: minor(p.Amount, cur), InvoiceID: &id,
				Status: StatusInvoiced, B24Sync: SyncPending, UpdatedAt: now}
			if !in.Remind {
				rows[i].RemindedAt = &now
			}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		detail := fmt.Sprintf("Счёт разделён на %d %s на %s", len(rows), schedules.PluralRU(len(rows), "часть", "части", "частей"), cur.Human(total))
		return s.record(tx, sch, actor, "created", detail, true)
	})
	if store.IsUniqueViolation(err) {
		return 0, ErrScheduleExists
	}
	return sch.ID, err
}
