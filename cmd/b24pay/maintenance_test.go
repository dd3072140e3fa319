package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

func runWith(env map[string]string, args ...string) commandResult {
	var out, errb bytes.Buffer
	code := run(args, envOf(env), &out, &errb)
	return commandResult{code, out.String(), errb.String()}
}

// TestMigrateStatusIsReadOnly: status on a database with nothing applied lists everything as
// pending and leaves no trace: no migration, no version table, no secret.key, no service log.
func TestMigrateStatusIsReadOnly(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := map[string]string{"B24PAY_DATA_DIR": dir}
			var db *store.DB
			if dialect == store.SQLite {
				var err error
				db, err = store.Open(context.Background(), store.Options{DataDir: dir})
				require.NoError(t, err)
				require.NoError(t, db.Close())
			} else {
				db = storetest.NewUnmigrated(t, dialect)
				var name string
				require.NoError(t, db.Raw("SELECT current_database()").Scan(&name).Error)
				env["DATABASE_URL"] = postgresURL(t, name)
				env["B24PAY_SECRET_KEY"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
			}
			r := runWith(env, "migrate", "status")
			require.Equal(t, 0, r.code, r.stderr)
			require.Empty(t, r.stderr, "no service log (secret key, routes)")
			require.Contains(t, r.stdout, "pending")
			require.NotContains(t, r.stdout, "applied")
			_, err := os.Stat(filepath.Join(dir, "secret.key"))
			require.ErrorIs(t, err, os.ErrNotExist)
			if dialect == store.SQLite {
				db, err = store.Open(context.Background(), store.Options{DataDir: dir})
				require.NoError(t, err)
				defer db.Close()
			}
			tables, err := db.Migrator().GetTables()
			require.NoError(t, err)
			require.Empty(t, tables, "status created nothing")

			r = runWith(env, "migrate", "up")
			require.Equal(t, 0, r.code, r.stderr)
			r = runWith(env, "migrate", "status")
			require.Equal(t, 0, r.code, r.stderr)
			require.NotContains(t, r.stdout, "pending")
		})
	}
}

func TestMigrateStatusWithoutADatabaseSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runWith(map[string]string{"B24PAY_DATA_DIR": dir}, "migrate", "status")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "no database at")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// TestBackupWhileWritingRestoresAConsistentCopy takes a backup while a writer keeps inserting
// rows in pairs, one pair per transaction, then opens the copy as a restored data directory:
// it holds whole pairs only, passes the integrity check and has the current schema.
func TestBackupWhileWritingRestoresAConsistentCopy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"B24PAY_DATA_DIR": dir}
	require.Equal(t, 0, runWith(env, "migrate", "up").code)
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Exec("CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL)").Error)

	started, stop := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			if err := db.Exec("INSERT INTO backup_probe (pair) VALUES (?), (?)", i, i).Error; err != nil {
				t.Error(err)
				if i <= 50 {
					close(started)
				}
				return
			}
			if i == 50 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	})
	<-started
	restored := t.TempDir()
	r := runWith(env, "backup", "--out", store.SQLitePath(restored))
	close(stop)
	wg.Wait()
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "secret.key")

	var live int64
	require.NoError(t, db.Table("backup_probe").Count(&live).Error)
	copyDB, err := store.Open(context.Background(), store.Options{DataDir: restored})
	require.NoError(t, err)
	defer copyDB.Close()
	var rows, pairs int64
	require.NoError(t, copyDB.Table("backup_probe").Count(&rows).Error)
	require.NoError(t, copyDB.Raw("SELECT COUNT(DISTINCT pair) FROM backup_probe").Scan(&pairs).Error)
	require.GreaterOrEqual(t, rows, int64(102), "the copy has what was written before it started")
	require.LessOrEqual(t, rows, live)
	require.Equal(t, rows, 2*pairs, "only whole transactions")
	var check string
	require.NoError(t, copyDB.Raw("PRAGMA integrity_check").Scan(&check).Error)
	require.Equal(t, "ok", check)
	current, err := copyDB.SchemaCurrent(context.Background())
	require.NoError(t, err)
	require.True(t, current)

	r = runWith(env, "backup", "--out", store.SQLitePath(restored))
	require.Equal(t, 2, r.code, "an existing file is never overwritten")
	require.True(t, strings.Contains(r.stderr, "exists"), r.stderr)
}

func TestBackupRefusesPostgres(t *testing.T) {
	t.Parallel()
	r := runWith(map[string]string{"DATABASE_URL": "postgres://u@db:5432/x", "B24PAY_SECRET_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
		"backup", "--out", filepath.Join(t.TempDir(), "x.db"))
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "pg_dump")
}
