package store_test

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// columns lists "table.column" for every user table except goose's bookkeeping.
func columns(t *testing.T, db *store.DB) []string {
	t.Helper()
	var rows []string
	q := `SELECT table_name || '.' || column_name FROM information_schema.columns
	      WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`
	if db.Dialect == store.SQLite {
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	}
	require.NoError(t, db.Raw(q).Scan(&rows).Error)
	sort.Strings(rows)
	return rows
}

func TestBothDialectsEndWithSameTablesAndColumns(t *testing.T) {
	t.Parallel()
	lite := columns(t, storetest.New(t, store.SQLite))
	pg := columns(t, storetest.New(t, store.Postgres))
	require.NotEmpty(t, lite)
	require.Equal(t, lite, pg)
}

func TestBothDialectsHaveSameMigrationVersions(t *testing.T) {
	t.Parallel()
	versions := func(dialect string) []int64 {
		st, err := storetest.New(t, dialect).MigrationStatuses(context.Background())
		require.NoError(t, err)
		var v []int64
		for _, s := range st {
			require.True(t, s.Applied, s.Name)
			v = append(v, s.Version)
		}
		return v
	}
	require.Equal(t, versions(store.SQLite), versions(store.Postgres))
}

func TestMigrateUpIsIdempotentAndReportsCurrent(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		db := storetest.NewUnmigrated(t, dialect)
		ctx := context.Background()
		current, err := db.SchemaCurrent(ctx)
		require.NoError(t, err)
		require.False(t, current, dialect)
		n, err := db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Positive(t, n)
		n, err = db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		current, err = db.SchemaCurrent(ctx)
		require.NoError(t, err)
		require.True(t, current, dialect)
	}
}

func TestUnreachablePostgresNamesHostNotPassword(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), store.Options{
		URL:          "postgres://app:hunter2@127.0.0.1:1/b24pay?sslmode=disable",
		ConnectTries: 2, RetryDelay: 1,
	})
	var unreachable *store.UnreachableError
	require.ErrorAs(t, err, &unreachable)
	require.Contains(t, err.Error(), "127.0.0.1:1")
	require.Contains(t, err.Error(), "2 attempts")
	require.NotContains(t, err.Error(), "hunter2")
}
