package outbox

import (
	"context"

	"gorm.io/gorm"
)

// Deferred gathers the messages enqueued into one transaction and stores them with one multi-row
// INSERT when Flush is called in that same transaction, instead of one INSERT each: for a caller
// that runs many small changes in one transaction (the group commit of notifications). It only
// takes messages enqueued into the transaction it was bound to; a message enqueued into any other
// transaction or none is stored at once as without it, so a message can never move to a
// transaction that does not hold its change.
type Deferred struct {
	pool gorm.ConnPool
	rows []Row
}

type deferredKey struct{}

// Defer returns a context under which Enqueue into tx (a transaction begun with that context)
// gathers its messages in d. Call d.Flush(tx) before tx commits; if tx rolls back, drop d.
func Defer(ctx context.Context, tx *gorm.DB) (context.Context, *Deferred) {
	d := &Deferred{pool: tx.Statement.ConnPool}
	return context.WithValue(ctx, deferredKey{}, d), d
}

// deferredFor is the Deferred that gathers what is enqueued into tx, or nil.
func deferredFor(tx *gorm.DB) *Deferred {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	d, _ := tx.Statement.Context.Value(deferredKey{}).(*Deferred)
	if d == nil || d.pool != tx.Statement.ConnPool {
		return nil
	}
	return d
}

// Flush stores the gathered messages in tx (duplicate keys ignored, as Enqueue does) and empties d.
func (d *Deferred) Flush(tx *gorm.DB) error {
	if len(d.rows) == 0 {
		return nil
	}
	rows := d.rows
	d.rows = nil
	return insertRows(tx, rows)
}
