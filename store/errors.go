package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUniqueViolation is what IsUniqueViolation errors are translated to by Translate.
var ErrUniqueViolation = errors.New("store: unique constraint violated")

// IsUniqueViolation tells whether err is a unique-index violation on either dialect.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Translate maps a unique-index violation to ErrUniqueViolation and leaves other errors as they are.
func Translate(err error) error {
	if IsUniqueViolation(err) {
		return errors.Join(ErrUniqueViolation, err)
	}
	return err
}
