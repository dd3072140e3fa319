//go:build !nopostgres

package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// postgresDialector opens PostgreSQL through pgx.
func postgresDialector(url string) (gorm.Dialector, error) { return postgres.Open(url), nil }

// isPostgresUniqueViolation tells whether err is PostgreSQL's unique_violation (23505).
func isPostgresUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
