package billing

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/outbox"
)

// TopicNotification retries a stored notification whose processing failed.
const TopicNotification = "billing.notification"

// Notification statuses.
const (
	NoticeReceived  = "received"
	NoticeProcessed = "processed"
	NoticeRejected  = "rejected"
	NoticeFailed    = "failed"
)

// Outcome is what a notification came to; the provider's HTTP layer turns it into its answer.
type Outcome string

// Outcomes.
const (
	OutcomeOK             Outcome = "ok"
	OutcomeBadSignature   Outcome = "bad_signature"
	OutcomeMalformed      Outcome = "malformed"
	OutcomeUnknownPayment Outcome = "unknown_payment"
	OutcomeWrongAmount    Outcome = "wrong_amount"
	OutcomeForeign        Outcome = "foreign" // signed, but for another merchant or currency: kept for review
	OutcomeRetry          Outcome = "retry"   // we failed: the provider should send it again (and we retry too)
)

// Receive stores a provider notification raw, then processes it. The same notification
// (by the provider's key) is processed once however often it arrives.
func (s *Service) Receive(ctx context.Context, provider string, header http.Header, body []byte) Outcome {
	h, ok := s.inbox(provider)
	if !ok {
		return OutcomeRetry
	}
	notice, verr := h.Inbound(header, body)
	headers, _ := json.Marshal(header)
	row := Notification{Provider: provider, PaymentID: notice.PaymentID, Headers: string(headers), Body: string(body),
		Status: NoticeReceived, ReceivedAt: s.clock.Now()}
	if verr == nil {
		row.DedupKey = &notice.DedupKey
	} else {
		row.Status, row.Result = NoticeRejected, string(inboundOutcome(verr))
		if !errors.Is(verr, ErrForeign) { // unsigned or unreadable: kept only in bounded form
			row.Headers, row.Body = truncate(row.Headers, rejectedKeepBytes), truncate(row.Body, rejectedKeepBytes)
			s.rejected.Add(1)
		}
	}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		s.log.Error("notification not stored", "provider", provider, "err", res.Error)
		return OutcomeRetry
	}
	if verr != nil {
		s.log.Warn("notification refused", "provider", provider, "err", verr)
		return inboundOutcome(verr)
	}
	if res.RowsAffected == 0 { // a repeat: answer as the first one was answered, or finish it
		if err := s.db.WithContext(ctx).Where("provider = ? AND dedup_key = ?", provider, notice.DedupKey).Take(&row).Error; err != nil {
			return OutcomeRetry
		}
		if row.Status == NoticeProcessed || row.Status == NoticeRejected {
			return Outcome(row.Result)
		}
	}
	return s.process(ctx, h, &row, notice)
}

func inboundOutcome(err error) Outcome {
	switch {
	case errors.Is(err, ErrBadSignature):
		return OutcomeBadSignature
	case errors.Is(err, ErrForeign):
		return OutcomeForeign
	}
	return OutcomeMalformed
}

// process applies a verified notice and records the result on the stored row.
func (s *Service) process(ctx context.Context, h Handler, row *Notification, n Notice) Outcome {
	outcome, err := h.Settle(ctx, n, []byte(row.Body))
	now := s.clock.Now()
	updates := map[string]any{"attempts": gorm.Expr("attempts + 1"), "result": string(outcome), "processed_at": now,
		"status": NoticeProcessed}
	switch {
	case err != nil:
		updates["status"], updates["processed_at"] = NoticeFailed, nil
		s.log.Error("notification processing failed; will retry", "notification", row.ID, "payment", n.PaymentID, "err", err)
	case outcome != OutcomeOK:
		updates["status"] = NoticeRejected
	}
	db := s.db.WithContext(ctx)
	var uerr error
	if err == nil { // a single UPDATE needs no transaction of its own: two round trips less
		uerr = db.Model(&Notification{}).Where("id = ?", row.ID).Updates(updates).Error
	} else {
		uerr = db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&Notification{}).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
				return err
			}
			return outbox.Enqueue(tx, now, outbox.Message{Topic: TopicNotification, Payload: row.ID,
				Key: "notification:" + n.DedupKey})
		})
	}
	if err != nil || uerr != nil {
		return OutcomeRetry
	}
	return outcome
}

// outcomeOf settles what a notice says, in any order it arrives.
func (s *Service) outcomeOf(ctx context.Context, n Notice) (Outcome, error) {
	if n.Probe {
		return OutcomeOK, nil
	}
	p, err := s.Get(ctx, n.PaymentID)
	if errors.Is(err, ErrPaymentNotFound) {
		return OutcomeUnknownPayment, nil
	}
	if err != nil {
		return OutcomeRetry, err
	}
	if n.Currency != "" && n.Currency != p.Currency {
		s.log.Warn("notification in another currency; kept for review", "payment", p.ID, "currency", n.Currency)
		return OutcomeForeign, nil
	}
	if _, err := ToMinor(n.Amount, p.Currency); err != nil {
		s.log.Warn("notified amount out of range; not booked", "payment", p.ID, "amount", n.Amount)
		return OutcomeWrongAmount, nil
	}
	if err := s.apply(ctx, p.ID, n.Status, n.Ref, "", n.Amount); err != nil {
		return OutcomeRetry, err
	}
	return OutcomeOK, nil
}

// handleStoredNotification re-processes a stored notification whose processing failed.
func (s *Service) handleStoredNotification(ctx context.Context, job outbox.Job) error {
	var id int64
	if err := job.Decode(&id); err != nil {
		return err
	}
	var row Notification
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return outbox.Permanent(err)
	}
	if row.Status != NoticeFailed && row.Status != NoticeReceived {
		return nil
	}
	h, ok := s.inbox(row.Provider)
	if !ok {
		return outbox.Permanent(ErrProviderNotConfigured)
	}
	var header http.Header
	_ = json.Unmarshal([]byte(row.Headers), &header)
	notice, err := h.Inbound(header, []byte(row.Body))
	if err != nil {
		return outbox.Permanent(err)
	}
	outcome, err := h.Settle(ctx, notice, []byte(row.Body))
	if err != nil {
		return err
	}
	status := NoticeProcessed
	if outcome != OutcomeOK {
		status = NoticeRejected
	}
	return s.db.WithContext(ctx).Model(&Notification{}).Where("id = ?", id).Updates(map[string]any{
		"status": status, "result": string(outcome), "processed_at": s.clock.Now(), "attempts": gorm.Expr("attempts + 1")}).Error
}
