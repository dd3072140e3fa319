// Package migrations embeds the versioned SQL schema, one folder per dialect.
// Files are append-only: never edit a migration that has shipped, add a new one.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// For returns the migration files of a dialect ("postgres" or "sqlite").
func For(dialect string) (fs.FS, error) {
	return fs.Sub(files, dialect)
}
