package subscriptions

import (
	"context"
	"database/sql"
	"sync/atomic"

	"gorm.io/gorm"

	"b24pay/store"
)

// countingPool counts the statements and the transactions that go through a database handle,
// so the benchmark can report them per charge.
type countingPool struct {
	gorm.ConnPool
	statements, transactions *atomic.Int64
}

// counted returns a handle on db whose statements and transactions are counted in the result.
func counted(db *store.DB) (*store.DB, *countingPool) {
	sqlDB, _ := db.DB.DB()
	p := &countingPool{ConnPool: sqlDB, statements: new(atomic.Int64), transactions: new(atomic.Int64)}
	g := db.Session(&gorm.Session{NewDB: true})
	g.Statement.ConnPool = p
	return &store.DB{DB: g, Dialect: db.Dialect}, p
}

func (p *countingPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	p.statements.Add(1)
	return p.ConnPool.ExecContext(ctx, q, args...)
}

func (p *countingPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	p.statements.Add(1)
	return p.ConnPool.QueryContext(ctx, q, args...)
}

func (p *countingPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	p.statements.Add(1)
	return p.ConnPool.QueryRowContext(ctx, q, args...)
}

func (p *countingPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.ConnPool.(*sql.DB).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	p.transactions.Add(1)
	return &countingTx{countingPool{ConnPool: tx, statements: p.statements, transactions: p.transactions}, tx}, nil
}

func (p *countingPool) GetDBConn() (*sql.DB, error) { return p.ConnPool.(*sql.DB), nil }

// countingTx is a transaction of a countingPool.
type countingTx struct {
	countingPool
	tx *sql.Tx
}

func (t *countingTx) Commit() error   { return t.tx.Commit() }
func (t *countingTx) Rollback() error { return t.tx.Rollback() }
