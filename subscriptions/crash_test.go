package subscriptions

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
	"b24pay/clock"
	"b24pay/store"
	"b24pay/store/storetest"
)

// Environment of the child process of TestKillNineHalfwayThenRestart, and its sessions' name.
const (
	childApp = "b24pay-killed-child"
	envChild = "B24PAY_RECUR_CHILD_DB"
	envShop  = "B24PAY_RECUR_CHILD_SHOP"
	envNow   = "B24PAY_RECUR_CHILD_NOW"
)

// A pass is killed with SIGKILL in the middle of a run — with one payment carried out by the
// gateway whose answer never reached us — and a restarted pass finishes the run: every due
// period charged exactly once.
func TestKillNineHalfwayThenRestart(t *testing.T) {
	if os.Getenv(envChild) != "" {
		runChild(t)
		return
	}
	t.Parallel()
	db := storetest.New(t, store.Postgres)
	tb := setup(t, db, "2027-01-15", func(c *Config) { c.Batch, c.Workers = 4, 1 })
	subs := tb.subscribeMany(t, 12, "2027-01-15")
	tb.at(t, "2027-02-15")

	gate := &haltingProxy{next: tb.shop, after: 5, halted: make(chan struct{}), release: make(chan struct{}),
		done: make(chan struct{})}
	srv := httptest.NewServer(gate)
	t.Cleanup(srv.Close)
	var dbName string
	require.NoError(t, db.Raw("SELECT current_database()").Scan(&dbName).Error)

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillNineHalfwayThenRestart$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"="+childURL(t, dbName), envShop+"="+srv.URL,
		envNow+"="+tb.clock.Now().Format(time.RFC3339Nano))
	require.NoError(t, cmd.Start())
	<-gate.halted // the child is waiting for the answer to its sixth charge
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	// The server ends the dead process's sessions when it notices the broken connection; until
	// then a claim the child had open keeps its rows locked, and SKIP LOCKED passes them by (the
	// next hourly pass would take them). End them now, as the server does, and wait for it.
	require.NoError(t, db.Exec("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = ?",
		childApp).Error)
	close(gate.release) // the gateway carries that charge out; its answer goes nowhere
	<-gate.done
	require.Equal(t, len(subs)+gate.after+1, tb.shop.Payments(), "first payments + the charges the child started")

	tb.clock.Advance(tb.svc.cfg.Lease + time.Second) // the dead pass's leases run out
	tb.run(t)
	tb.requireChargedOnce(t, subs)
}

// haltingProxy forwards to the fake gateway; the request after the first `after` payment POSTs is
// held until release, then carried out even though its caller is gone; later ones (the pass's other
// lanes) are held until release too and never carried out.
type haltingProxy struct {
	next    http.Handler
	after   int
	mu      sync.Mutex
	seen    int
	halted  chan struct{}
	release chan struct{}
	done    chan struct{}
}

func (p *haltingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		p.mu.Lock()
		p.seen++
		n := p.seen
		p.mu.Unlock()
		if n == p.after+1 {
			body, _ := io.ReadAll(r.Body)
			close(p.halted)
			<-p.release
			held := r.Clone(context.Background())
			held.Body = io.NopCloser(bytes.NewReader(body))
			p.next.ServeHTTP(httptest.NewRecorder(), held)
			close(p.done)
			return
		}
		if n > p.after+1 { // another lane's charge: held too, so that the child learns nothing more
			<-p.release // before it is killed (answered at once, a lane could book it first: a flake)
			http.Error(w, "halted", http.StatusServiceUnavailable)
			return
		}
	}
	p.next.ServeHTTP(w, r)
}

func dbURL(t *testing.T, name string) string {
	t.Helper()
	base := os.Getenv(storetest.EnvPostgresURL)
	require.NotEmpty(t, base)
	u, err := urlWithPath(base, name)
	require.NoError(t, err)
	return u
}

// childURL is the database's URL with the child's sessions named childApp.
func childURL(t *testing.T, name string) string {
	t.Helper()
	u, err := url.Parse(dbURL(t, name))
	require.NoError(t, err)
	q := u.Query()
	q.Set("application_name", childApp)
	u.RawQuery = q.Encode()
	return u.String()
}

// runChild is the process that gets killed: one RunDue against the parent's database and gateway.
func runChild(t *testing.T) {
	now, err := time.Parse(time.RFC3339Nano, os.Getenv(envNow))
	require.NoError(t, err)
	db, err := store.Open(context.Background(), store.Options{URL: os.Getenv(envChild), ConnectTries: 3})
	require.NoError(t, err)
	client, err := yookassa.New(yookassa.Config{BaseURL: os.Getenv(envShop), ShopID: "100500", SecretKey: "test_secret",
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	svc, err := NewService(db, clock.NewFrozen(now), slog.New(slog.DiscardHandler),
		Config{Merchant: "ООО «Ромашка»", PublicURL: "https://pay.example.ru", Batch: 4, Workers: 1}, YooKassa{Client: client})
	require.NoError(t, err)
	_, _ = svc.RunDue(context.Background(), now)
	t.Fatal("the child should have been killed before finishing its pass")
}
