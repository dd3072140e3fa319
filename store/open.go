// Package store opens the database (embedded SQLite or PostgreSQL), applies migrations and
// offers the few dialect differences the repositories need.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Options says where the database is and how patient to be with it.
type Options struct {
	URL          string        // empty: embedded SQLite in DataDir; postgres:// or postgresql://: PostgreSQL
	DataDir      string        // where the SQLite file lives
	ConnectTries int           // PostgreSQL connection attempts before giving up (default 5)
	RetryDelay   time.Duration // first pause between attempts, doubled each time (default 1s)
	ReadOnly     bool          // SQLite: open an existing file read-only, create nothing
	MaxConns     int           // PostgreSQL pool size, all kept idle (default DefaultMaxConns); SQLite always uses 1
}

// DB is an open database with its dialect.
type DB struct {
	*gorm.DB
	Dialect string
}

// UnreachableError says a PostgreSQL server could not be reached; it never carries the password.
type UnreachableError struct {
	Host     string
	Attempts int
	Reason   string
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("database: cannot reach PostgreSQL at %s after %d attempts: %s", e.Host, e.Attempts, e.Reason)
}

// Open connects according to opts.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL == "" && opts.ReadOnly {
		return openSQLiteReadOnly(SQLitePath(opts.DataDir))
	}
	if opts.URL == "" {
		return openSQLite(SQLitePath(opts.DataDir))
	}
	return openPostgres(ctx, opts)
}

// SQLitePath is the embedded database's file in the data directory.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "b24pay.db") }

// openSQLite opens (creating if needed) an SQLite database file.
func openSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("database: create data dir: %w", err)
	}
	// temp_store(MEMORY): the journal of a savepoint (a group commit keeps one per notification)
	// stays in memory instead of a temporary file written on every page change.
	return openSQLiteDSN(path, "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"+
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)")
}

// openSQLiteReadOnly opens an existing database file without writing to it.
func openSQLiteReadOnly(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database: no database at %s (b24pay migrate up or serve creates it): %w", path, err)
	}
	return openSQLiteDSN(path, "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
}

func openSQLiteDSN(path, dsn string) (*DB, error) {
	// No gorm PrepareStmt here: with the single connection, its statement cache deadlocks (a
	// prepare outside a transaction holds the cache's lock while it waits for the connection the
	// transaction holds, and the transaction then waits for that lock).
	g, err := gorm.Open(sqlite.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	if err := registerHeldWrites(g); err != nil {
		return nil, err
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	// SQLite has one writer; a single connection turns lock contention into queueing
	// instead of SQLITE_BUSY errors from deferred transactions that upgrade to writes.
	sqlDB.SetMaxOpenConns(1)
	if err := sqlDB.Ping(); err != nil {
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	return &DB{DB: g, Dialect: SQLite}, nil
}

func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	tries, delay := opts.ConnectTries, opts.RetryDelay
	if tries <= 0 {
		tries = 5
	}
	if delay <= 0 {
		delay = time.Second
	}
	host := HostOf(opts.URL)
	var last error
	for attempt := 1; attempt <= tries; attempt++ {
		g, err := gorm.Open(postgres.Open(opts.URL), gormConfig())
		if err == nil {
			if err := registerHeldWrites(g); err != nil {
				return nil, err
			}
			sqlDB, _ := g.DB()
			setPool(sqlDB, opts.MaxConns)
			return &DB{DB: g, Dialect: Postgres}, nil
		}
		last = err
		if attempt == tries {
			break
		}
		select {
		case <-ctx.Done():
			return nil, &UnreachableError{Host: host, Attempts: attempt, Reason: "interrupted"}
		case <-time.After(delay):
		}
		delay *= 2
	}
	return nil, &UnreachableError{Host: host, Attempts: tries, Reason: reason(last)}
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:  logger.Discard,
		NowFunc: func() time.Time { return time.Now().UTC() },
		// Repositories write exactly what they mean; no implicit transactions around single writes.
		SkipDefaultTransaction: true,
	}
}

// HostOf returns host:port of a PostgreSQL URL without user or password.
func HostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "(unparseable host)"
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "5432")
	}
	return u.Host
}

// reason reduces a driver error to a short cause that names no credentials.
func reason(err error) string {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return "host name not found"
	case errors.As(err, &opErr):
		return opErr.Err.Error()
	case err == nil:
		return "unknown error"
	}
	msg := err.Error()
	for _, known := range []string{"connection refused", "password authentication failed", "does not exist",
		"timeout", "no such host", "no route to host", "network is unreachable", "SSL"} {
		if strings.Contains(msg, known) {
			return known
		}
	}
	return "connection failed"
}

// Close closes the underlying pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks the database answers within ctx.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}
