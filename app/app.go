package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"b24pay/billing"
	"b24pay/cabinet"
	"b24pay/clock"
	"b24pay/finance"
	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/robots"
	"b24pay/scheduler"
	"b24pay/secret"
	"b24pay/store"
	"b24pay/templates"
)

// App is the running service: its database, HTTP routes and background work.
type App struct {
	cfg      Config
	log      *slog.Logger
	clock    clock.Clock
	db       *store.DB
	box      *secret.Box
	registry *prometheus.Registry
	router   *gin.Engine
	outbox   *outbox.Worker
	sched    *scheduler.Scheduler
	pages    *templates.Engine

	portals       *portal.Repo
	b24           *portal.Clients // nil when Bitrix24 is not configured
	instalments   *instalment.Service
	finance       *finance.Service // nil without Bitrix24
	robots        *robots.Service
	payments      *billing.Service // nil without Bitrix24
	routeSettings *billing.SettingsStore
	tabs          tabSigner
	recur         *recurring
	cabinet       *cabinet.Service // nil without Bitrix24
}

// New opens the database, applies migrations and wires routes and workers.
func New(ctx context.Context, cfg Config, log *slog.Logger, clk clock.Clock) (*App, error) {
	if err := cfg.ResolveSecretKey(log); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, ConnectTries: cfg.DBConnectTries,
		MaxConns: cfg.Pool.DBMaxConns})
	if err != nil {
		return nil, err
	}
	a, err := assemble(ctx, cfg, log, clk, db)
	if err != nil {
		_ = db.Close()
	}
	return a, err
}

// assemble migrates db and wires the service around it (tests pass their own database).
func assemble(ctx context.Context, cfg Config, log *slog.Logger, clk clock.Clock, db *store.DB) (*App, error) {
	box, err := secret.New(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	ran, err := db.MigrateUp(ctx)
	if err != nil {
		return nil, err
	}
	if ran > 0 {
		log.Info("database migrated", "applied", ran, "dialect", db.Dialect)
	}
	a := &App{cfg: cfg, log: log, clock: clk, db: db, box: box, registry: prometheus.NewRegistry()}
	return a, a.wire()
}

func (a *App) wire() error {
	sqlDB, err := a.db.DB.DB()
	if err != nil {
		return err
	}
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(sqlDB, a.db.Dialect))
	a.outbox = outbox.NewWorker(a.db, a.clock, a.log, outbox.Config{Workers: a.cfg.Pool.OutboxWorkers},
		outbox.NewMetrics(a.registry, a.db))
	a.sched = scheduler.New(a.clock, a.log, a.cfg.Timezone)
	if err := a.sched.Add("outbox-purge", a.cfg.CronOutboxPurge, a.purgeOutbox); err != nil {
		return err
	}
	if a.pages, err = templates.New(); err != nil {
		return err
	}
	if err := a.wireB24(); err != nil {
		return err
	}
	if err := a.wireBilling(); err != nil {
		return err
	}
	if err := a.wireSubscriptions(); err != nil {
		return err
	}
	if err := a.wireCabinet(); err != nil {
		return err
	}
	a.router = a.routes()
	return nil
}

// purgeOutbox drops delivered outbox rows after a week; dead and pending rows are kept.
func (a *App) purgeOutbox(ctx context.Context, now time.Time) error {
	n, err := outbox.PurgeDone(ctx, a.db, now.Add(-7*24*time.Hour))
	if n > 0 {
		a.log.Info("outbox purged", "rows", n)
	}
	return err
}

// Router exposes the HTTP handler (tests mount extra routes or call it directly).
func (a *App) Router() *gin.Engine { return a.router }

// DB exposes the database (CLI commands and tests).
func (a *App) DB() *store.DB { return a.db }

// Run serves HTTP and runs background work until ctx is cancelled, then shuts down in order:
// stop accepting and drain requests, stop cron, finish the current outbox item, close the DB.
// onListen, when set, is told the bound address.
func (a *App) Run(ctx context.Context, onListen func(net.Addr)) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		_ = a.db.Close()
		return fmt.Errorf("listen on %s (B24PAY_ADDR): %w", a.cfg.Addr, err)
	}
	return a.Serve(ctx, ln, onListen)
}

// Serve is Run on a listener the caller opened (the sandbox must know its address before the
// config that names it is built).
func (a *App) Serve(ctx context.Context, ln net.Listener, onListen func(net.Addr)) error {
	srv := &http.Server{Handler: a.router, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	workers.Go(func() { a.outbox.Run(workerCtx) })
	a.sched.Start()
	a.log.Info("b24pay serving", "addr", ln.Addr().String(), "version", a.cfg.Version, "config", a.cfg, "passes", a.sched.Names())
	a.logRoutes()
	a.logPool()
	if onListen != nil {
		onListen(ln.Addr())
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		a.log.Error("http server stopped", "err", err)
	}
	a.log.Info("shutting down", "drain_timeout", a.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	errs := []error{}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("drain http: %w", err))
	}
	if err := a.sched.Stop(shutdownCtx); err != nil {
		errs = append(errs, err)
	}
	stopWorker()
	workers.Wait()
	if err := a.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close database: %w", err))
	}
	a.log.Info("stopped")
	return errors.Join(errs...)
}

// RunPasses runs every scheduled pass once now, in name order, as cron would (the sandbox's time
// control). Every pass runs; their errors are joined.
func (a *App) RunPasses(ctx context.Context) error {
	passes := a.sched.Passes()
	names := slices.Sorted(maps.Keys(passes))
	errs := []error{}
	for _, name := range names {
		if err := passes[name](ctx, a.clock.Now()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// DrainOutbox delivers every due side effect now and reports how many ran.
func (a *App) DrainOutbox(ctx context.Context) (int, error) { return a.outbox.Drain(ctx) }

// Close releases the database without serving (for CLI commands).
func (a *App) Close() error { return a.db.Close() }
