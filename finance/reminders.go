package finance

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/schedules"
)

// TopicCompanyPaymentRemind carries one reminder of a company payment to its Bitrix24 notification.
const TopicCompanyPaymentRemind = "finance.company_payment.remind"

// Reminder is one sent reminder: at most one per (item, payment date).
type Reminder struct {
	MemberID string `gorm:"primaryKey"`
	ItemID   int64  `gorm:"primaryKey"`
	PayDate  string `gorm:"primaryKey"`
	UserID   int64
	SentAt   time.Time
}

// TableName implements gorm's tabler.
func (Reminder) TableName() string { return "company_payment_reminders" }

type remindJob struct {
	UserID  int64  `json:"user_id"`
	Message string `json:"message"`
	Tag     string `json:"tag"`
}

// RunReminders is the daily pass: the responsible user of every open contract whose payment falls
// within the next remindDays days (the portal's today included) gets one Bitrix24 notification per
// payment date, however often and on however many replicas the pass runs: the reminder row and the
// outbox message are written in one transaction, and the row's key lets only one writer in.
func (s *Service) RunReminders(ctx context.Context, now time.Time) error {
	if s.remindDays <= 0 {
		return nil
	}
	t := now.In(s.loc)
	today := schedules.NewDate(t.Year(), t.Month(), t.Day())
	var due []ContractItem
	err := s.db.WithContext(ctx).Where("NOT closed AND stage IN ? AND assigned_by <> 0 AND pay_date >= ? AND pay_date <= ?",
		[]string{portal.CompanyPaymentPlanned, portal.CompanyPaymentSent}, today.String(), today.AddDays(s.remindDays).String()).
		Order("member_id, item_id").Find(&due).Error
	if err != nil {
		return err
	}
	for _, ci := range due {
		if err := s.remindOnce(ctx, ci, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) remindOnce(ctx context.Context, ci ContractItem, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Reminder{MemberID: ci.MemberID, ItemID: ci.ItemID, PayDate: ci.PayDate, UserID: ci.AssignedBy, SentAt: now.UTC()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // reminded already (or by another replica just now)
		}
		cur := currencyOf(ci.Currency)
		contract := ci.Contract
		if contract == "" {
			contract = fmt.Sprintf("№%d", ci.ItemID)
		}
		msg := fmt.Sprintf("Скоро платёж компании: %s по договору «%s», дата платежа %s.", cur.Human(major(ci.AmountMinor, cur)), contract, ci.PayDate)
		return outbox.Enqueue(tx, now, outbox.Message{Topic: TopicCompanyPaymentRemind, MemberID: ci.MemberID,
			Key:     fmt.Sprintf("cp-remind:%d:%s", ci.ItemID, ci.PayDate),
			Payload: remindJob{UserID: ci.AssignedBy, Message: msg, Tag: fmt.Sprintf("b24pay-cp-%d", ci.ItemID)}})
	})
}

// handleRemind sends the reminder (im.notify.system.add, docs:
// api-reference/chats/notifications/im-notify-system-add.md).
func (s *Service) handleRemind(ctx context.Context, job outbox.Job) error {
	var j remindJob
	if err := job.Decode(&j); err != nil {
		return outbox.Permanent(err)
	}
	cl, _, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	_, err = cl.NotifySystem(ctx, bitrix.ID(j.UserID), j.Message, j.Tag)
	return err
}
