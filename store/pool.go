package store

import (
	"database/sql"
	"time"
)

// DefaultMaxConns is the PostgreSQL pool size when the configuration names none.
const DefaultMaxConns = 20

// setPool sizes a PostgreSQL pool. Every connection may stay idle: a burst of webhooks at the
// pool's size would otherwise open and close connections on every request.
func setPool(sqlDB *sql.DB, maxConns int) {
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
}

// MaxOpenConns is the pool's connection limit, every one of them kept idle on PostgreSQL (SQLite:
// 1, its single writer).
func (db *DB) MaxOpenConns() int {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return 1
	}
	return max(1, sqlDB.Stats().MaxOpenConnections)
}
