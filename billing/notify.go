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
// (by the provider's key) is processed once however often it arrives. Billing's own payments are
// settled in the transaction that stores the row (see receiveAtOnce); other routes' notifications
// are stored first and processed after.
func (s *Service) Receive(ctx context.Context, provider string, header http.Header, body []byte) Outcome {
	h, ok := s.inbox(provider)
	if !ok {
		return OutcomeRetry
	}
	ctx = detached(ctx) // once read, a notification is stored and settled even if its sender hangs up
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
	if ts, ok := h.(txSettler); ok && verr == nil {
		if len(s.lanes) > 0 {
			return s.receiveGrouped(ctx, ts, &row, notice)
		}
		return s.receiveAtOnce(ctx, ts, &row, notice)
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
	if res.RowsAffected == 0 {
		return s.repeat(ctx, h, &row, notice)
	}
	return s.process(ctx, h, &row, notice)
}

// txSettler is a Handler that can settle in the transaction that stores the notification.
type txSettler interface {
	Handler
	settleIn(ctx context.Context, tx *gorm.DB, n Notice) (Outcome, error)
}

// errRepeat rolls back the settlement of a notification that turned out to be stored already.
var errRepeat = errors.New("billing: notification stored already")

// receiveAtOnce stores a verified notification, settles it and records the result in one
// transaction: one commit, and nothing is answered before the raw row is durable. If the provider's
// key is stored already the transaction is rolled back and the repeat is answered as the first one
// was (a duplicate settles once). If settling fails, the raw row is stored on its own as failed,
// with an outbox message to retry it. Unless group commit is off, notifications that arrive
// together share one transaction instead (see receiveGrouped).
func (s *Service) receiveAtOnce(ctx context.Context, h txSettler, row *Notification, n Notice) Outcome {
	var outcome Outcome
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		outcome, err = s.settleAndStore(ctx, tx, h, row, n)
		return err
	})
	if err == nil || errors.Is(err, errRepeat) {
		return s.answerStored(ctx, h, row, n, outcome, err)
	}
	s.processingFailed(row, n, err)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.storeFailed(tx, row, n) })
	if err != nil {
		s.log.Error("notification not stored", "provider", row.Provider, "err", err)
	}
	return OutcomeRetry
}

// settleAndStore settles a verified notification in tx, then inserts its raw row with the result
// (last, so that a repeat is found by the insert); errRepeat when the provider's key is stored
// already: the caller rolls the settlement back.
func (s *Service) settleAndStore(ctx context.Context, tx *gorm.DB, h txSettler, row *Notification, n Notice) (Outcome, error) {
	outcome, err := h.settleIn(ctx, tx, n)
	if err != nil {
		return outcome, err
	}
	s.settled(row, outcome)
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error == nil && res.RowsAffected == 0 {
		return outcome, errRepeat
	}
	return outcome, res.Error
}

// settled records a notification's outcome on its row, to be stored.
func (s *Service) settled(row *Notification, outcome Outcome) {
	now := s.clock.Now()
	row.Status, row.Result, row.Attempts, row.ProcessedAt = NoticeProcessed, string(outcome), 1, &now
	if outcome != OutcomeOK {
		row.Status = NoticeRejected
	}
}

// answerStored is the answer to a notification whose transaction committed: its own outcome, or
// for a repeat the first delivery's.
func (s *Service) answerStored(ctx context.Context, h Handler, row *Notification, n Notice, outcome Outcome, err error) Outcome {
	if errors.Is(err, errRepeat) {
		return s.repeat(ctx, h, row.unstored(), n)
	}
	return outcome
}

// processingFailed logs a settlement that failed and was rolled back; the row is stored as failed.
func (s *Service) processingFailed(row *Notification, n Notice, err error) {
	s.log.Error("notification processing failed; will retry", "payment", n.PaymentID, "err", err)
	row.unstored()
	row.Status, row.Attempts = NoticeFailed, 1
}

// storeFailed stores the raw row of a notification whose settlement failed, with an outbox message
// that retries it.
func (s *Service) storeFailed(tx *gorm.DB, row *Notification, n Notice) error {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil || res.RowsAffected == 0 { // stored meanwhile by a repeat, which answers for itself
		return res.Error
	}
	return outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicNotification, Payload: row.ID,
		Key: "notification:" + n.DedupKey})
}

// unstored resets what an insert that was rolled back left on the row.
func (row *Notification) unstored() *Notification {
	row.ID, row.Status, row.Result, row.Attempts, row.ProcessedAt = 0, NoticeReceived, "", 0, nil
	return row
}

// repeat answers a notification whose provider key is stored already as the first one was
// answered, or finishes the stored one if it was never processed.
func (s *Service) repeat(ctx context.Context, h Handler, row *Notification, n Notice) Outcome {
	if err := s.db.WithContext(ctx).Where("provider = ? AND dedup_key = ?", row.Provider, n.DedupKey).Take(row).Error; err != nil {
		return OutcomeRetry
	}
	if row.Status == NoticeProcessed || row.Status == NoticeRejected {
		return Outcome(row.Result)
	}
	return s.process(ctx, h, row, n)
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
	var outcome Outcome
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		outcome, err = s.outcomeIn(ctx, tx, n)
		return err
	})
	return outcome, err
}

// outcomeIn is outcomeOf in the caller's transaction: the payment is read once, under its row lock.
func (s *Service) outcomeIn(ctx context.Context, tx *gorm.DB, n Notice) (Outcome, error) {
	if n.Probe {
		return OutcomeOK, nil
	}
	p, err := s.lock(tx, n.PaymentID)
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
	if err := s.applyTo(ctx, tx, p, n.Status, n.Ref, "", n.Amount); err != nil {
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
