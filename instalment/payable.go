package instalment

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"b24pay/outbox"
)

// PayableKind is the billing kind of an instalment.
const PayableKind = "instalment"

// TopicTimeline posts a comment to the deal's (or lead's) timeline.
const TopicTimeline = "b24.timeline.comment"

// PayableInfo is what billing needs to collect an instalment.
type PayableInfo struct {
	OutstandingMinor int64
	Currency         string
	Description      string
	Client           *Client // nil when the deal has none
}

// PayableOf describes an open instalment of an active schedule.
func (s *Service) PayableOf(ctx context.Context, memberID string, id int64) (PayableInfo, error) {
	var in Instalment
	err := s.db.WithContext(ctx).Where("id = ? AND member_id = ?", id, memberID).Take(&in).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PayableInfo{}, ErrNotFound
	}
	if err != nil {
		return PayableInfo{}, err
	}
	var sch Schedule
	if err := s.db.WithContext(ctx).Where("id = ?", in.ScheduleID).Take(&sch).Error; err != nil {
		return PayableInfo{}, err
	}
	if sch.Status != ScheduleActive || in.Status == StatusCancelled {
		return PayableInfo{}, ErrNotEditable
	}
	info := PayableInfo{OutstandingMinor: in.Outstanding(), Currency: sch.Currency,
		Description: fmt.Sprintf("Платёж №%d по графику: %s", in.Seq, sch.Title)}
	info.Client = clientByID(s.db.WithContext(ctx), sch.ClientID)
	return info, nil
}

// ApplyPaid books money received for an instalment in the caller's transaction: allocation rules
// (the instalment first, the rest oldest first, overpayment recorded), history, Bitrix24 sync, a
// timeline comment on the deal, a notification to the responsible manager and the client's receipt.
func (s *Service) ApplyPaid(ctx context.Context, tx *gorm.DB, memberID string, id int64, amountMinor int64, note string) error {
	r, sch, err := s.lockedInstalment(tx, memberID, id)
	if err != nil {
		return err
	}
	rows, err := instalmentsOf(tx, sch.ID)
	if err != nil {
		return err
	}
	applied, err := s.applyPayment(tx, sch, rows, r.ID, amountMinor)
	if err != nil {
		return err
	}
	detail := note + ": " + applied
	ch, err := s.recordChange(tx, sch, SystemActor, "paid", detail, true)
	if err != nil {
		return err
	}
	if err := s.receipt(tx, sch, rows, amountMinor, applied, ch.ID); err != nil {
		return err
	}
	return s.announce(tx, sch, detail)
}

// ApplyRefund takes refunded money back off an instalment (newest money first).
func (s *Service) ApplyRefund(ctx context.Context, tx *gorm.DB, memberID string, id int64, amountMinor int64, note string) error {
	r, sch, err := s.lockedInstalment(tx, memberID, id)
	if err != nil {
		return err
	}
	back := min(amountMinor, r.PaidMinor)
	if sch.OverpaidMinor > 0 && amountMinor > back { // the rest came from the overpayment
		over := min(sch.OverpaidMinor, amountMinor-back)
		if err := tx.Model(&Schedule{}).Where("id = ?", sch.ID).Update("overpaid_minor", gorm.Expr("overpaid_minor - ?", over)).Error; err != nil {
			return err
		}
	}
	if err := s.unapply(tx, &r, r.PaidMinor-back); err != nil {
		return err
	}
	return s.record(tx, sch, SystemActor, "refunded", note, true)
}

func (s *Service) lockedInstalment(tx *gorm.DB, memberID string, id int64) (Instalment, Schedule, error) {
	var r Instalment
	if err := tx.Where("id = ? AND member_id = ?", id, memberID).Take(&r).Error; err != nil {
		return r, Schedule{}, err
	}
	sch, err := lockSchedule(tx, s.db.Dialect, r.ScheduleID)
	if err != nil {
		return r, sch, err
	}
	return r, sch, tx.Where("id = ?", id).Take(&r).Error
}

// announce queues the deal's timeline comment and the manager's notification about a payment.
func (s *Service) announce(tx *gorm.DB, sch Schedule, text string) error {
	now := s.clock.Now()
	if sch.OwnerType == "deal" {
		if err := outbox.Enqueue(tx, now, outbox.Message{Topic: TopicTimeline, MemberID: sch.MemberID,
			Payload: timelineJob{DealID: sch.OwnerID, Text: text}}); err != nil {
			return err
		}
	}
	if sch.ResponsibleID == 0 {
		return nil
	}
	return outbox.Enqueue(tx, now, outbox.Message{Topic: TopicNotify, MemberID: sch.MemberID,
		Payload: notifyJob{UserID: sch.ResponsibleID, Message: fmt.Sprintf("«%s»: %s", sch.Title, text)}})
}

type timelineJob struct {
	EntityType string `json:"entity_type,omitempty"` // deal (also when empty: jobs queued before) | lead
	DealID     int64  `json:"deal_id"`               // the deal's or the lead's id
	Text       string `json:"text"`
}

func (s *Service) handleTimeline(ctx context.Context, job outbox.Job) error {
	var j timelineJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	cl, _, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	entityType := j.EntityType
	if entityType == "" {
		entityType = "deal"
	}
	// ENTITY_TYPE deal or lead: api-reference/crm/timeline/comments/crm-timeline-comment-add.md
	_, err = cl.Call(ctx, "crm.timeline.comment.add", map[string]any{"fields": map[string]any{
		"ENTITY_ID": j.DealID, "ENTITY_TYPE": entityType, "COMMENT": j.Text}})
	return err
}
