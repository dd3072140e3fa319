package billing

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"b24pay/store"
)

// refundTransitions is the refund state machine.
var refundTransitions = map[string][]string{RefundPending: {RefundSucceeded, RefundFailed}}

// locked runs fn in a transaction holding the payment's row lock (FOR UPDATE on PostgreSQL;
// SQLite has a single writer). Every status change of a payment happens inside one.
func (s *Service) locked(ctx context.Context, id string, fn func(tx *gorm.DB, p *Payment) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.lock(tx, id)
		if err != nil {
			return err
		}
		return fn(tx, p)
	})
}

// lock reads a payment under its row lock.
func (s *Service) lock(tx *gorm.DB, id string) (*Payment, error) {
	if p, ok := prelockedFor(tx).take(id); ok {
		return p, nil
	}
	var p Payment
	if err := tx.Raw("SELECT * FROM payments WHERE id = ?"+s.forUpdate(), id).Scan(&p).Error; err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, ErrPaymentNotFound
	}
	return &p, nil
}

func (s *Service) forUpdate() string {
	if s.db.Dialect == store.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// transition is the only place a payment's status is written. p must have been read under its
// row lock in tx; the move is checked against the state machine, and the row is written only if
// it still has the status p was read with.
func (s *Service) transition(tx *gorm.DB, p *Payment, to string, fields map[string]any) error {
	if p.Status != to {
		if err := checkMove(p.Status, to); err != nil {
			return err
		}
	}
	if err := s.writeStatus(tx, &Payment{}, p.ID, p.Status, to, fields); err != nil {
		return err
	}
	p.Status = to
	return nil
}

// refundTransition is the only place a refund's status is written (under its payment's lock).
func (s *Service) refundTransition(tx *gorm.DB, r *Refund, to string, fields map[string]any) error {
	ok := false
	for _, t := range refundTransitions[r.Status] {
		ok = ok || t == to
	}
	if !ok {
		return fmt.Errorf("%w: refund %s → %s", ErrIllegalTransition, r.Status, to)
	}
	if err := s.writeStatus(tx, &Refund{}, r.ID, r.Status, to, fields); err != nil {
		return err
	}
	r.Status = to
	return nil
}

// writeStatus writes a checked move of a payment or refund row, only if it still has status from.
// In a group commit a payment's move may be held back and written with the others (heldStatuses).
func (s *Service) writeStatus(tx *gorm.DB, model any, id, from, to string, fields map[string]any) error {
	updates := map[string]any{"updated_at": s.clock.Now()}
	for k, v := range fields {
		updates[k] = v
	}
	updates["status"] = to
	prelockedFor(tx).take(id) // written: a later lock in tx reads it again
	if _, ok := model.(*Payment); ok && heldStatusesOf(tx).hold(id, from, updates) {
		return nil // written with the group's other moves before tx's next statement
	}
	res := tx.Model(model).Where("id = ? AND status = ?", id, from).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("billing: %s changed under its lock", id)
	}
	return nil
}
