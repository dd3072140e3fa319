package app

import "b24pay/store"

// PoolConfig sizes the database pool and the outbox workers that share it.
type PoolConfig struct {
	DBMaxConns    int // B24PAY_DB_MAX_CONNS: PostgreSQL connections, all kept idle (SQLite always has one writer)
	OutboxWorkers int // B24PAY_OUTBOX_WORKERS: 0 = half the pool, at least 2; one of them takes only interactive work
}

func loadPool(get func(name, def string) string, p *PoolConfig) error {
	if err := parseInt("B24PAY_DB_MAX_CONNS", get("B24PAY_DB_MAX_CONNS", "20"), 1, 500, &p.DBMaxConns); err != nil {
		return err
	}
	return parseInt("B24PAY_OUTBOX_WORKERS", get("B24PAY_OUTBOX_WORKERS", "0"), 0, 256, &p.OutboxWorkers)
}

// logPool states the limits the service runs with.
func (a *App) logPool() {
	total, interactive := a.outbox.Workers()
	a.log.Info("database pool", "dialect", a.db.Dialect, "max_conns", a.db.MaxOpenConns(),
		"single_writer", a.db.Dialect == store.SQLite, "outbox_workers", total, "interactive_workers", interactive)
}
