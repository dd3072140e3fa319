package store

import "strings"

// IsUniqueViolation tells whether err is a unique-index violation on either dialect.
func IsUniqueViolation(err error) bool {
	if isPostgresUniqueViolation(err) {
		return true
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
