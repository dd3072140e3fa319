package instalment

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"b24pay/outbox"
	"b24pay/schedules"
)

// RunReminders is the daily pass: it notifies the deal's responsible user about instalments due
// within RemindDays and marks past-due ones «Просрочен» with a notification — once per instalment
// and kind, however often it runs (the sent mark and the outbox key are written in one transaction).
func (s *Service) RunReminders(ctx context.Context, now time.Time) error {
	t := now.In(s.loc)
	today := schedules.NewDate(t.Year(), t.Month(), t.Day())
	horizon := today.AddDays(s.remindIn)
	open := []string{StatusPlanned, StatusInvoiced, StatusPartlyPaid}
	var due []Instalment
	err := s.db.WithContext(ctx).Joins("JOIN payment_schedules s ON s.id = instalments.schedule_id AND s.status = 'active'").
		Where("instalments.status IN ? AND instalments.due >= ? AND instalments.due <= ? AND instalments.reminded_at IS NULL",
			open, today.String(), horizon.String()).Find(&due).Error
	if err != nil {
		return err
	}
	for _, r := range due {
		if err := s.notifyOnce(ctx, r, "reminded_at", "remind", now, false); err != nil {
			return err
		}
	}
	var late []Instalment
	err = s.db.WithContext(ctx).Joins("JOIN payment_schedules s ON s.id = instalments.schedule_id AND s.status = 'active'").
		Where("instalments.status IN ? AND instalments.due < ? AND instalments.overdue_notified_at IS NULL",
			open, today.String()).Find(&late).Error
	if err != nil {
		return err
	}
	for _, r := range late {
		if err := s.notifyOnce(ctx, r, "overdue_notified_at", "overdue", now, true); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) notifyOnce(ctx context.Context, r Instalment, column, kind string, now time.Time, overdue bool) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		updates := map[string]any{column: now}
		if overdue {
			updates["status"], updates["b24_sync"], updates["updated_at"] = StatusOverdue, SyncPending, now
		}
		res := tx.Model(&Instalment{}).Where("id = ? AND "+column+" IS NULL", r.ID).Updates(updates)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // another replica got there first
		}
		var sch Schedule
		if err := tx.Where("id = ?", r.ScheduleID).Take(&sch).Error; err != nil {
			return err
		}
		cur, _ := schedules.LookupCurrency(sch.Currency)
		amount := cur.Human(major(r.Outstanding(), cur))
		msg := fmt.Sprintf("Через несколько дней (%s) наступает срок платежа №%d на %s по %s «%s».",
			r.Due, r.Seq, amount, ownerWord(sch.OwnerType), sch.Title)
		if overdue {
			msg = fmt.Sprintf("Платёж №%d на %s по %s «%s» просрочен: срок был %s.", r.Seq, amount, ownerWord(sch.OwnerType), sch.Title, r.Due)
		}
		if sch.ResponsibleID != 0 {
			if err := outbox.Enqueue(tx, now, outbox.Message{Topic: TopicNotify, MemberID: sch.MemberID,
				Key: fmt.Sprintf("%s:%d", kind, r.ID), Payload: notifyJob{UserID: sch.ResponsibleID, Message: msg,
					Tag: fmt.Sprintf("b24pay-%s-%d", kind, r.ID)}}); err != nil {
				return err
			}
		}
		if !overdue {
			return nil
		}
		return s.record(tx, sch, SystemActor, "overdue", fmt.Sprintf("Платёж №%d просрочен", r.Seq), true)
	})
}

func ownerWord(ownerType string) string {
	if ownerType == "lead" {
		return "лиду"
	}
	return "сделке"
}
