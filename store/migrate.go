package store

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"

	"b24pay/migrations"
)

// MigrationStatus is one migration's state.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

func (db *DB) migrator() (*goose.Provider, error) {
	fsys, err := migrations.For(db.Dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectPostgres
	if db.Dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, sqlDB, fsys)
}

// MigrateUp applies every pending migration and returns how many ran.
func (db *DB) MigrateUp(ctx context.Context) (int, error) {
	p, err := db.migrator()
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("database: migrate: %w", err)
	}
	return len(results), nil
}

// versionTable is where goose records applied migrations.
const versionTable = "goose_db_version"

// MigrationStatuses lists all migrations known to the binary and whether each is applied. It only
// reads: unlike goose's Status it does not create the version table when it is missing.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, err
	}
	applied := map[int64]bool{}
	if db.WithContext(ctx).Migrator().HasTable(versionTable) {
		var versions []int64
		if err := db.WithContext(ctx).Table(versionTable).Where("is_applied").Distinct().
			Pluck("version_id", &versions).Error; err != nil {
			return nil, fmt.Errorf("database: migration status: %w", err)
		}
		for _, v := range versions {
			applied[v] = true
		}
	}
	var out []MigrationStatus
	for _, s := range p.ListSources() {
		out = append(out, MigrationStatus{Version: s.Version, Name: s.Path, Applied: applied[s.Version]})
	}
	return out, nil
}

// SchemaCurrent reports whether every migration known to the binary is applied.
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	p, err := db.migrator()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}
