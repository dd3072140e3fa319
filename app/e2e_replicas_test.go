package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"b24pay/billing"
	"b24pay/instalment"
	"b24pay/store"
	"b24pay/store/storetest"
)

// balancer spreads requests over the replicas round robin, separately per first path segment
// (b24, api, webhooks, pay), so every kind of traffic reaches both; it counts who served what.
type balancer struct {
	replicas []*App
	mu       sync.Mutex
	next     map[string]int
	served   map[string][]int // segment → requests per replica
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	seg := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	b.mu.Lock()
	i := b.next[seg] % len(b.replicas)
	b.next[seg]++
	if b.served[seg] == nil {
		b.served[seg] = make([]int, len(b.replicas))
	}
	b.served[seg][i]++
	b.mu.Unlock()
	b.replicas[i].Router().ServeHTTP(w, r)
}

// replicas are two service instances on one PostgreSQL database behind one public URL.
type replicas struct {
	*e2e
	apps []*App
	lb   *balancer
}

// newReplicas starts the e2e service on PostgreSQL, adds a second instance on its own connection
// pool to the same database, and puts a balancer over both at the public URL.
func newReplicas(t *testing.T, opts ...e2eOption) *replicas {
	t.Helper()
	e := newE2E(t, store.Postgres, opts...)
	var name string
	require.NoError(t, e.db.Raw("SELECT current_database()").Scan(&name).Error)
	u, err := url.Parse(os.Getenv(storetest.EnvPostgresURL))
	require.NoError(t, err)
	u.Path = "/" + name
	db, err := store.Open(context.Background(), store.Options{URL: u.String(), ConnectTries: 3})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	second, err := assemble(context.Background(), e.app.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock, db)
	require.NoError(t, err)
	r := &replicas{e2e: e, apps: []*App{e.app, second}}
	r.lb = &balancer{replicas: r.apps, next: map[string]int{}, served: map[string][]int{}}
	e.front.mu.Lock()
	e.front.h = r.lb
	e.front.mu.Unlock()
	return r
}

// onBoth runs fn on every replica at once.
func (r *replicas) onBoth(fn func(ctx context.Context, a *App) error) {
	r.t.Helper()
	var g errgroup.Group
	for _, a := range r.apps {
		g.Go(func() error { return fn(context.Background(), a) })
	}
	require.NoError(r.t, g.Wait())
}

// tick runs every cron pass of both replicas concurrently at the clock's time, then both outbox
// workers concurrently until nothing is due, delivering the portal's events in between.
func (r *replicas) tick() {
	r.t.Helper()
	now := r.clock.Now()
	r.onBoth(func(ctx context.Context, a *App) error {
		var g errgroup.Group
		for _, pass := range a.sched.Passes() {
			g.Go(func() error { return pass(ctx, now) })
		}
		return g.Wait()
	})
	for range 20 {
		r.portal.Flush()
		var mu sync.Mutex
		total := 0
		r.onBoth(func(ctx context.Context, a *App) error {
			n, err := a.outbox.Drain(ctx)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		})
		r.portal.Flush()
		if total == 0 {
			return
		}
	}
	r.t.Fatal("outbox did not settle")
}

// dailyPlan is 12 daily instalments of 10 000 from tomorrow, so a day brings reminders.
func dailyPlan() map[string]any {
	return map[string]any{"scheme": "equal", "total": "120000.00", "currency": "RUB", "count": 12,
		"period": map[string]any{"unit": "day", "every": 1}, "first": "2026-11-23"}
}

// TestTwoReplicasOnOnePostgresRunADayWithNothingDoubledOrLost drives a day in 30-minute ticks
// through two instances: each tick runs every cron pass and the outbox on both at once, while the
// tab, Bitrix24 events and provider webhooks reach them alternately. Invoicebox delivers each
// notification three times, one SBP callback is held back (the reconciliation pass has to find
// the payment) and later arrives twice.
func TestTwoReplicasOnOnePostgresRunADayWithNothingDoubledOrLost(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, withInvoicebox(t), withSBP(t))
	status, _ := r.install()
	require.Equal(t, http.StatusOK, status)
	token := r.openTab(r.dealID, 2)
	var s scheduleResponse
	require.Equal(t, http.StatusCreated, r.api(token, http.MethodPost, "/schedule", dailyPlan(), &s))
	r.ib.DuplicateDeliveries(2)

	paid := map[string]string{} // payment id → provider
	var held string
	for tick := range 48 {
		if tick%2 == 0 {
			token = r.openTab(r.dealID, 2) // a manager reopens the tab (its token lives two hours)
		}
		switch tick {
		case 2:
			p := r.pay(token, s.Schedule.Instalments[0].ID, "invoicebox")
			require.Equal(t, p.Payment.ID, r.pay(token, s.Schedule.Instalments[0].ID, "invoicebox").Payment.ID,
				"the second replica returns the open payment")
			require.NoError(t, r.ib.Pay(p.Payment.ID, decimal.NewFromInt(10000)))
			r.waitStatus(p.Payment.ID, billing.StatusSucceeded)
			paid[p.Payment.ID] = "invoicebox"
		case 4:
			r.bank.HoldCallbacks(true) // the callback is lost for now
			p := r.pay(token, s.Schedule.Instalments[1].ID, "sbp")
			_, err := r.bank.Pay(p.Payment.ID, decimal.NewFromInt(10000))
			require.NoError(t, err)
			paid[p.Payment.ID], held = "sbp", p.Payment.ID
		case 6:
			r.bank.DuplicateCallbacks(true)
			p := r.pay(token, s.Schedule.Instalments[2].ID, "sbp")
			r.bank.HoldCallbacks(false)
			_, err := r.bank.Pay(p.Payment.ID, decimal.NewFromInt(10000))
			require.NoError(t, err)
			r.waitStatus(p.Payment.ID, billing.StatusSucceeded)
			paid[p.Payment.ID] = "sbp"
		case 30:
			require.Equal(t, billing.StatusSucceeded, r.payment(held).Status, "reconciliation found the payment")
			r.bank.ReleaseCallbacks() // the held callback arrives late, twice
			r.bank.WaitCallbacks()
		}
		r.tick()
		r.clock.Advance(30 * time.Minute)
	}
	r.tick()
	token = r.openTab(r.dealID, 2)

	for id, provider := range paid {
		require.Equal(t, billing.StatusSucceeded, r.payment(id).Status, id)
		if provider == "invoicebox" {
			require.Equal(t, 1, r.ib.OrdersCreated(id), "one Invoicebox order for %s", id)
		} else {
			require.Equal(t, 1, r.bank.Registrations(id), "one QR for %s", id)
		}
	}
	var payments int64
	require.NoError(t, r.db.Table("payments").Count(&payments).Error)
	require.EqualValues(t, 3, payments)
	for seq := 1; seq <= 3; seq++ {
		row := r.instalmentRow(token, seq)
		require.Equal(t, instalment.StatusPaid, row.Status, seq)
		require.Equal(t, "10000.00", row.Paid, "instalment %d paid once", seq)
	}
	require.Equal(t, "90000.00|RUB", r.dealDebt())
	prov := r.provisioned()
	items := r.spaItems()
	for seq := 1; seq <= 3; seq++ {
		require.Equal(t, prov.Stages["paid"], items[seq]["stageId"], seq)
	}

	var open int64
	require.NoError(t, r.db.Table("outbox").Where("status <> 'done'").Count(&open).Error)
	require.Zero(t, open, "every side effect done, none dead")
	notes := r.portal.Notifications(2)
	require.NotEmpty(t, notes)
	reminders := 0
	seen := map[string]bool{}
	for _, n := range notes {
		require.False(t, seen[n.Message], "notified once: %s", n.Message)
		seen[n.Message] = true
		if !strings.Contains(n.Message, "Invoicebox") && !strings.Contains(n.Message, "СБП") {
			reminders++
		}
	}
	require.Positive(t, reminders, "the day's reminders were sent")
	comments := map[string]bool{}
	for _, c := range r.portal.TimelineComments("deal", r.dealID) {
		require.False(t, comments[c], "one timeline comment per event: %s", c)
		comments[c] = true
	}

	for _, seg := range []string{"api", "b24", "webhooks"} {
		for i, n := range r.lb.served[seg] {
			require.Positive(t, n, "replica %d served /%s", i, seg)
		}
	}
}
