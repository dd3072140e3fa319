package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"b24pay/store"
)

// backup is `b24pay backup -out FILE`: an online, consistent copy of the embedded SQLite database
// (VACUUM INTO runs in one read transaction, so writers carry on and the copy is one snapshot).
func backup(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := newCommand("backup", "b24pay backup -out FILE",
		"Writes a consistent copy of the embedded SQLite database while the service runs.\n"+
			"PostgreSQL: use pg_dump (README, Backups). Back up the secret key too.", 0)
	out := c.fs.String("out", "", required("`FILE` to write; must not exist"))
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	if *out == "" {
		return c.fail(stderr, &flagProblem{"out", "required"})
	}
	cfg, code := loadConfig(getenv, stderr)
	if code != 0 {
		return code
	}
	if cfg.UsesPostgres() {
		return c.fail(stderr, errors.New("the database is PostgreSQL: back it up with pg_dump (README, Backups)"))
	}
	if _, err := os.Stat(store.SQLitePath(cfg.DataDir)); err != nil {
		return exitCode(stderr, fmt.Errorf("no database to back up: %w", err))
	}
	if _, err := os.Stat(*out); err == nil {
		return c.fail(stderr, &flagProblem{"out", fmt.Sprintf("%s exists; choose a new file", *out)})
	}
	db, code := openDB(getenv, stderr, asIs)
	if code != 0 {
		return code
	}
	defer db.Close()
	abs, err := filepath.Abs(*out)
	if err != nil {
		return exitCode(stderr, err)
	}
	if err := db.WithContext(context.Background()).Exec("VACUUM INTO ?", abs).Error; err != nil {
		return exitCode(stderr, fmt.Errorf("backup to %s: %w", abs, err))
	}
	fmt.Fprintf(stdout, "backup of %s written to %s\n", store.SQLitePath(cfg.DataDir), abs)
	key := "B24PAY_SECRET_KEY"
	if cfg.SecretKey == nil {
		key = filepath.Join(cfg.DataDir, "secret.key")
	}
	fmt.Fprintf(stdout, "the copy is unreadable without the secret key: keep %s with it\n", key)
	return 0
}
