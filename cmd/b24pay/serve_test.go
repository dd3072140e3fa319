package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"b24pay/store/storetest"
)

// envOf turns a map into a getenv function.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestBadConfigExitsTwoWithOneLineNamingTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		env  map[string]string
		name string
	}{
		"UnknownDatabaseScheme":  {map[string]string{"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"},
		"AddrWithoutPort":        {map[string]string{"B24PAY_ADDR": "localhost"}, "B24PAY_ADDR"},
		"AddrPortOutOfRange":     {map[string]string{"B24PAY_ADDR": ":99999"}, "B24PAY_ADDR"},
		"PostgresWithoutKey":     {map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:1/db"}, "B24PAY_SECRET_KEY"},
		"ShortKey":               {map[string]string{"B24PAY_SECRET_KEY": "c2hvcnQ="}, "B24PAY_SECRET_KEY"},
		"UnknownTimezone":        {map[string]string{"B24PAY_TIMEZONE": "Mars/Olympus"}, "B24PAY_TIMEZONE"},
		"LogFormat":              {map[string]string{"B24PAY_LOG_FORMAT": "xml"}, "B24PAY_LOG_FORMAT"},
		"PlainHTTPPublicURL":     {map[string]string{"B24PAY_PUBLIC_URL": "http://pay.example.ru"}, "B24PAY_PUBLIC_URL"},
		"RelativePublicURL":      {map[string]string{"B24PAY_PUBLIC_URL": "pay.example.ru"}, "B24PAY_PUBLIC_URL"},
		"BadShutdownTimeout":     {map[string]string{"B24PAY_SHUTDOWN_TIMEOUT": "soon"}, "B24PAY_SHUTDOWN_TIMEOUT"},
		"BadCronSpec":            {map[string]string{"B24PAY_CRON_OUTBOX_PURGE": "nightly"}, "B24PAY_CRON_OUTBOX_PURGE"},
		"ConnectTriesNotANumber": {map[string]string{"B24PAY_DB_CONNECT_TRIES": "many"}, "B24PAY_DB_CONNECT_TRIES"},
		"B24WithoutSecret": {map[string]string{"B24PAY_B24_PORTAL_URL": "https://a.bitrix24.ru",
			"B24PAY_B24_CLIENT_ID": "local.1"}, "B24PAY_B24_CLIENT_SECRET"},
		"B24PortalOverHTTP": {map[string]string{"B24PAY_B24_PORTAL_URL": "http://a.bitrix24.ru",
			"B24PAY_B24_CLIENT_ID": "local.1", "B24PAY_B24_CLIENT_SECRET": "s"}, "B24PAY_B24_PORTAL_URL"},
		"B24PortalWithPath": {map[string]string{"B24PAY_B24_PORTAL_URL": "https://a.bitrix24.ru/rest/",
			"B24PAY_B24_CLIENT_ID": "local.1", "B24PAY_B24_CLIENT_SECRET": "s"}, "B24PAY_B24_PORTAL_URL"},
		"B24RateNotANumber":  {map[string]string{"B24PAY_B24_RATE": "fast"}, "B24PAY_B24_RATE"},
		"RemindDaysNegative": {map[string]string{"B24PAY_REMIND_DAYS": "-1"}, "B24PAY_REMIND_DAYS"},
		"InvoiceboxVAT":      {map[string]string{"B24PAY_INVOICEBOX_VAT": "18"}, "B24PAY_INVOICEBOX_VAT"},
		"InvoiceboxNoKey": {map[string]string{"B24PAY_INVOICEBOX_TOKEN": "t", "B24PAY_INVOICEBOX_MERCHANT_ID": "m"},
			"B24PAY_INVOICEBOX_NOTIFICATION_KEY"},
		"SBPNoMerchant":           {map[string]string{"B24PAY_SBP_SECRET_KEY": "k"}, "B24PAY_SBP_MERCHANT_ID"},
		"BadReconcileCron":        {map[string]string{"B24PAY_CRON_RECONCILE": "often"}, "B24PAY_CRON_RECONCILE"},
		"InvoiceboxLimitTooShort": {map[string]string{"B24PAY_INVOICEBOX_TIME_LIMIT": "30s"}, "B24PAY_INVOICEBOX_TIME_LIMIT"},
		"SBPQRTTLTooLong":         {map[string]string{"B24PAY_SBP_QR_TTL": "745h"}, "B24PAY_SBP_QR_TTL"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.env["B24PAY_DATA_DIR"] = t.TempDir()
			var stdout, stderr bytes.Buffer
			code := run([]string{"serve"}, envOf(tc.env), &stdout, &stderr)
			require.Equal(t, 2, code)
			out := stderr.String()
			require.Equal(t, 1, strings.Count(out, "\n"), "exactly one line: %q", out)
			require.Contains(t, out, tc.name)
			require.NotContains(t, out, "goroutine")
		})
	}
}

func TestUnreachablePostgresExitsNonZeroNamingHostWithoutPassword(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DATABASE_URL":            "postgres://app:hunter2@127.0.0.1:1/b24pay?sslmode=disable",
		"B24PAY_SECRET_KEY":       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"B24PAY_DB_CONNECT_TRIES": "2",
		"B24PAY_DATA_DIR":         t.TempDir(),
	}
	var stdout, stderr bytes.Buffer
	code := run(nil, envOf(env), &stdout, &stderr)
	require.Equal(t, 1, code)
	require.Contains(t, stderr.String(), "127.0.0.1:1")
	require.NotContains(t, stderr.String(), "hunter2")
	require.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
}

func TestVersionAndUnknownCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"version"}, envOf(nil), &out, &errOut))
	require.Contains(t, out.String(), "b24pay dev")
	require.Equal(t, 2, run([]string{"frobnicate"}, envOf(nil), &out, &errOut))
	require.Contains(t, errOut.String(), `unknown command "frobnicate"`)
}

func TestMigrateStatusOnPostgres(t *testing.T) {
	t.Parallel()
	db := storetest.NewUnmigrated(t, "postgres")
	var name string
	require.NoError(t, db.Raw("SELECT current_database()").Scan(&name).Error)
	env := map[string]string{
		"DATABASE_URL":      postgresURL(t, name),
		"B24PAY_SECRET_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"B24PAY_DATA_DIR":   t.TempDir(),
	}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"migrate", "up"}, envOf(env), &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "applied")
	require.NotContains(t, out.String(), "pending")
}

// TestSigtermDrainsSlowRequestAndExitsZero sends a real SIGTERM to the test process while a
// slow request is in flight; serve must let the request finish and return 0.
func TestSigtermDrainsSlowRequestAndExitsZero(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"B24PAY_ADDR": "127.0.0.1:0", "B24PAY_DATA_DIR": dir}
	addrCh := make(chan net.Addr, 1)
	entered := make(chan struct{})
	hooks := serveHooks{
		mount: func(r *gin.Engine) {
			r.GET("/slow", func(c *gin.Context) {
				close(entered)
				time.Sleep(700 * time.Millisecond)
				c.String(http.StatusOK, "finished")
			})
		},
		onListen: func(a net.Addr) { addrCh <- a },
	}
	var stderr lockedBuffer
	exit := make(chan int, 1)
	go func() { exit <- serve(envOf(env), &stderr, hooks) }()
	addr := <-addrCh
	base := "http://" + addr.String()

	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		resp.Body.Close()
	}

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{string(b), err}
	}()
	<-entered
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))

	r := <-slow
	require.NoError(t, r.err)
	require.Equal(t, "finished", r.body)
	require.Equal(t, 0, <-exit, stderr.String())
	require.Contains(t, stderr.String(), "shutting down")

	_, err := http.Get(base + "/healthz")
	require.Error(t, err, "the listener is closed after shutdown")
}

func TestRequestIDIsHonouredAndLoggedOnce(t *testing.T) {
	env := map[string]string{"B24PAY_ADDR": "127.0.0.1:0", "B24PAY_DATA_DIR": t.TempDir(), "B24PAY_LOG_FORMAT": "json"}
	addrCh := make(chan net.Addr, 1)
	var stderr lockedBuffer
	exit := make(chan int, 1)
	go func() { exit <- serve(envOf(env), &stderr, serveHooks{onListen: func(a net.Addr) { addrCh <- a }}) }()
	base := "http://" + (<-addrCh).String()
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-42")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "trace-42", resp.Header.Get("X-Request-Id"))

	resp, err = http.Get(base + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`b24pay_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		"b24pay_http_request_duration_seconds_bucket", "go_goroutines", "go_sql_open_connections",
		`b24pay_outbox_messages{status="dead"} 0`} {
		require.Contains(t, string(metrics), want)
	}

	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	require.Equal(t, 0, <-exit)
	n := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		if !strings.Contains(line, `"http request"`) {
			continue
		}
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry))
		if entry["request_id"] == "trace-42" {
			n++
			require.Equal(t, "/healthz", entry["route"])
		}
	}
	require.Equal(t, 1, n, "one log line per request")
	require.NotContains(t, stderr.String(), "secret_key\":\"", "the key is never logged")
}
