package billing

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// prelocked holds the payments a group commit read under their row locks with one statement at
// the start of its transaction, so that settling each notification does not read its payment again.
// A row is handed out once, to the first lock of its payment in that transaction, and dropped when
// the transaction writes it before that: whoever locks it later reads it from the database again.
type prelocked struct {
	pool gorm.ConnPool
	rows map[string]*Payment
}

type prelockedKey struct{}

// prelock reads the payments of ids under their row locks in tx (in id order, so that two groups
// can never wait for each other) and returns a context under which lock takes them from memory.
func (s *Service) prelock(ctx context.Context, tx *gorm.DB, ids []string) (context.Context, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var rows []*Payment
	if err := tx.Raw("SELECT * FROM payments WHERE id IN ? ORDER BY id"+s.forUpdate(), ids).Scan(&rows).Error; err != nil {
		return ctx, err
	}
	pl := &prelocked{pool: tx.Statement.ConnPool, rows: make(map[string]*Payment, len(rows))}
	for _, p := range rows {
		pl.rows[p.ID] = p
	}
	return context.WithValue(ctx, prelockedKey{}, pl), nil
}

// prelockedFor is what prelock read for tx, or nil.
func prelockedFor(tx *gorm.DB) *prelocked {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	pl, _ := tx.Statement.Context.Value(prelockedKey{}).(*prelocked)
	if pl == nil || pl.pool != tx.Statement.ConnPool {
		return nil
	}
	return pl
}

// take hands out the prelocked row of id once.
func (pl *prelocked) take(id string) (*Payment, bool) {
	if pl == nil {
		return nil, false
	}
	p, ok := pl.rows[id]
	delete(pl.rows, id)
	return p, ok
}
