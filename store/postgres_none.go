//go:build nopostgres

package store

import (
	"errors"

	"gorm.io/gorm"
)

// ErrNoPostgres is what a build without the PostgreSQL driver answers a postgres:// URL with. The
// tag nopostgres leaves pgx out of the binary (the sandbox's quick start compiles faster); it runs
// on the embedded SQLite only.
var ErrNoPostgres = errors.New("store: this binary was built with -tags nopostgres and has no PostgreSQL driver; " +
	"build without that tag to use DATABASE_URL")

func postgresDialector(string) (gorm.Dialector, error) { return nil, ErrNoPostgres }

func isPostgresUniqueViolation(error) bool { return false }
