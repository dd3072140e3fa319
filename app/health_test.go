package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

func newTestApp(t *testing.T, db *store.DB) *App {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"B24PAY_DATA_DIR": t.TempDir(), "B24PAY_SECRET_KEY": e2eSecretKey}[k]
	})
	require.NoError(t, err)
	a, err := assemble(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.System{}, db)
	require.NoError(t, err)
	return a
}

func readyz(t *testing.T, a *App) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	a.Router().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body struct{ Status, Reason string }
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
	return w.Code, body.Reason
}

func TestReadyzReportsDatabaseAndSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newTestApp(t, db)
		code, _ := readyz(t, a)
		require.Equal(t, http.StatusOK, code)

		require.NoError(t, db.Exec("DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)").Error)
		code, reason := readyz(t, a)
		require.Equal(t, http.StatusServiceUnavailable, code)
		require.Equal(t, "schema migrations pending", reason)

		require.NoError(t, db.Close())
		code, reason = readyz(t, a)
		require.Equal(t, http.StatusServiceUnavailable, code)
		require.Equal(t, "database unreachable", reason)
	})
}

func TestSecretKeyIsGeneratedOnceOnSQLiteAndRequiredOnPostgres(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	first := Config{DataDir: dir}
	require.NoError(t, first.ResolveSecretKey(log))
	require.Len(t, first.SecretKey, 32)
	info, err := os.Stat(filepath.Join(dir, secretKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	second := Config{DataDir: dir}
	require.NoError(t, second.ResolveSecretKey(log))
	require.Equal(t, first.SecretKey, second.SecretKey, "the stored key is reused, or every token would be lost")

	require.NoError(t, os.WriteFile(filepath.Join(dir, secretKeyFile), []byte("garbage"), 0o600))
	var cfgErr *ConfigError
	require.ErrorAs(t, (&Config{DataDir: dir}).ResolveSecretKey(log), &cfgErr)
	require.Equal(t, "B24PAY_SECRET_KEY", cfgErr.Var)

	require.ErrorAs(t, (&Config{DataDir: dir, DatabaseURL: "postgres://h/db"}).ResolveSecretKey(log), &cfgErr)
}
