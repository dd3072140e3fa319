package app

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

// appWithEnv assembles the service on SQLite from env and returns it with its log.
func appWithEnv(t *testing.T, env map[string]string) (*App, *bytes.Buffer) {
	t.Helper()
	env["B24PAY_DATA_DIR"], env["B24PAY_SECRET_KEY"] = t.TempDir(), e2eSecretKey
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	cfg.Version = "1.4.2"
	var log bytes.Buffer
	a, err := assemble(context.Background(), cfg, slog.New(slog.NewTextHandler(&log, nil)), clock.System{},
		storetest.New(t, store.SQLite))
	require.NoError(t, err)
	return a, &log
}

func serveGet(a *App, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	a.Router().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

var b24Env = map[string]string{"B24PAY_B24_PORTAL_URL": "https://acme.bitrix24.ru", "B24PAY_B24_CLIENT_ID": "local.1",
	"B24PAY_B24_CLIENT_SECRET": "s"}

func TestHomePageNamesVersionAndLinks(t *testing.T) {
	t.Parallel()
	a, _ := appWithEnv(t, map[string]string{})
	w := serveGet(a, "/")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	require.Contains(t, body, "<h1>b24pay</h1>")
	require.Contains(t, body, `<span data-test="version">1.4.2</span>`)
	for _, link := range []string{`href="/healthz"`, `href="/readyz"`, `href="/docs/ARCHITECTURE.md"`} {
		require.Contains(t, body, link)
	}
	require.Contains(t, body, `data-test="no-portal"`)

	doc := serveGet(a, "/docs/ARCHITECTURE.md")
	require.Equal(t, http.StatusOK, doc.Code)
	require.Contains(t, doc.Body.String(), "# b24pay architecture")
	require.Equal(t, http.StatusNotFound, serveGet(a, "/docs/secret.key").Code)

	env := map[string]string{}
	for k, v := range b24Env {
		env[k] = v
	}
	a, _ = appWithEnv(t, env)
	require.Contains(t, serveGet(a, "/").Body.String(), `<a href="https://acme.bitrix24.ru" data-test="portal"`)
}

// TestStartLogNamesEveryRouteGroupAndWhy: with only Invoicebox configured, the log says the
// webhook is off because Bitrix24 is not configured, instead of answering 404 in silence.
func TestStartLogNamesEveryRouteGroupAndWhy(t *testing.T) {
	t.Parallel()
	invoicebox := map[string]string{"B24PAY_INVOICEBOX_TOKEN": "t", "B24PAY_INVOICEBOX_MERCHANT_ID": "m",
		"B24PAY_INVOICEBOX_NOTIFICATION_KEY": "k"}
	a, log := appWithEnv(t, invoicebox)
	a.logRoutes()
	for _, group := range []string{"ops", "bitrix24", "payments", "invoicebox", "sbp"} {
		require.Contains(t, log.String(), "group="+group+" ")
	}
	require.Regexp(t, `group=invoicebox on=false why="needs Bitrix24: B24PAY_B24_PORTAL_URL`, log.String())
	w := httptest.NewRecorder()
	a.Router().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhooks/invoicebox", nil))
	require.Equal(t, http.StatusNotFound, w.Code)

	for k, v := range b24Env {
		invoicebox[k] = v
	}
	a, log = appWithEnv(t, invoicebox)
	a.logRoutes()
	require.Regexp(t, `group=invoicebox on=true why="B24PAY_INVOICEBOX_TOKEN is set`, log.String())
	require.Regexp(t, `group=sbp on=false why="B24PAY_SBP_SECRET_KEY is not set`, log.String())
	require.Regexp(t, `group=bitrix24 on=true`, log.String())
}
