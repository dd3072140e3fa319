package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"b24pay/store"
)

// ErrNotFound means no message has the given id.
var ErrNotFound = errors.New("outbox: no such message")

// ErrNotRetryable means the message is not dead, so there is nothing to put back.
var ErrNotRetryable = errors.New("outbox: only dead messages can be retried")

// List returns messages with the given status (all when empty), oldest first.
func List(ctx context.Context, db *store.DB, status string, limit int) ([]Row, error) {
	q := db.WithContext(ctx).Order("id")
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []Row
	return rows, q.Find(&rows).Error
}

// Retry puts a dead message back in the queue with a fresh attempt budget.
func Retry(ctx context.Context, db *store.DB, id int64, now time.Time) error {
	res := db.WithContext(ctx).Model(&Row{}).Where("id = ? AND status = ?", id, StatusDead).
		Updates(map[string]any{"status": StatusPending, "attempts": 0, "run_at": now, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("outbox: retry %d: %w", id, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := db.WithContext(ctx).Model(&Row{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return ErrNotRetryable
}

// PurgeDone deletes delivered messages finished before cutoff and returns how many went.
func PurgeDone(ctx context.Context, db *store.DB, cutoff time.Time) (int64, error) {
	res := db.WithContext(ctx).Where("status = ? AND done_at < ?", StatusDone, cutoff).Delete(&Row{})
	return res.RowsAffected, res.Error
}
