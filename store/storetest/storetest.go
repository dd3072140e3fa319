// Package storetest runs store tests on both databases: an SQLite file in a temp dir and a fresh
// database on the throwaway PostgreSQL that scripts/test.sh starts (B24PAY_TEST_POSTGRES_URL).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// EnvPostgresURL names the variable holding the admin URL of the test PostgreSQL server.
const EnvPostgresURL = "B24PAY_TEST_POSTGRES_URL"

// Each runs fn once per dialect, each time on a new, migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			fn(t, New(t, dialect))
		})
	}
}

// New returns a new migrated database of the dialect, dropped when the test ends.
func New(t testing.TB, dialect string) *store.DB {
	t.Helper()
	var db *store.DB
	if dialect == store.SQLite {
		db = openSQLite(t)
	} else {
		db = openPostgres(t)
	}
	_, err := db.MigrateUp(context.Background())
	require.NoError(t, err)
	return db
}

// NewUnmigrated returns an empty database of the dialect.
func NewUnmigrated(t testing.TB, dialect string) *store.DB {
	t.Helper()
	if dialect == store.SQLite {
		return openSQLite(t)
	}
	return openPostgres(t)
}

func openSQLite(t testing.TB) *store.DB {
	db, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

var (
	adminOnce sync.Once
	admin     *store.DB
	adminErr  error
)

func openPostgres(t testing.TB) *store.DB {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		t.Fatalf("%s is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL", EnvPostgresURL)
	}
	adminOnce.Do(func() {
		admin, adminErr = store.Open(context.Background(), store.Options{URL: base, ConnectTries: 3})
	})
	require.NoError(t, adminErr)
	name := "t_" + randomHex(8)
	require.NoError(t, admin.Exec("CREATE DATABASE "+name).Error)
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Path = "/" + name
	db, err := store.Open(context.Background(), store.Options{URL: u.String(), ConnectTries: 3})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = db.Close()
		_ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
	})
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
