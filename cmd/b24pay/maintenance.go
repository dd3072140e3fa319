package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"text/tabwriter"
	"time"

	"b24pay/outbox"
	"b24pay/store"
)

// dbAccess says how a maintenance command opens the database.
type dbAccess int

const (
	migrated dbAccess = iota // apply pending migrations first
	readOnly                 // change nothing (SQLite opened read-only, no migrations)
	asIs                     // no migrations
)

// openDB opens the configured database for a maintenance command, without the service around it:
// no secret key is generated, no routes are wired or logged.
func openDB(getenv func(string) string, stderr io.Writer, access dbAccess) (*store.DB, int) {
	cfg, code := loadConfig(getenv, stderr)
	if code != 0 {
		return nil, code
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir,
		ConnectTries: cfg.DBConnectTries, ReadOnly: access == readOnly})
	if err != nil {
		return nil, exitCode(stderr, err)
	}
	if access == migrated {
		if _, err := db.MigrateUp(ctx); err != nil {
			_ = db.Close()
			return nil, exitCode(stderr, err)
		}
	}
	return db, 0
}

func migrate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	const usage = "b24pay migrate up|status"
	if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
		c := newCommand("migrate", usage, "up applies the embedded SQL migrations; status lists them without changing anything.", 0)
		if code, done := c.parse(args, stdout, stderr); done {
			return code
		}
		return c.fail(stderr, fmt.Errorf("expected up or status"))
	}
	about := map[string]string{"up": "Applies every pending migration (serve does this at start too).",
		"status": "Lists the migrations and whether each is applied. Read-only: applies nothing, creates nothing."}
	c := newCommand("migrate "+args[0], "b24pay migrate "+args[0], about[args[0]], 0)
	if code, done := c.parse(args[1:], stdout, stderr); done {
		return code
	}
	db, code := openDB(getenv, stderr, map[string]dbAccess{"up": migrated, "status": readOnly}[args[0]])
	if code != 0 {
		return code
	}
	defer db.Close()
	st, err := db.MigrationStatuses(context.Background())
	if err != nil {
		return exitCode(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tFILE")
	for _, s := range st {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, state, s.Name)
	}
	return exitCode(stderr, tw.Flush())
}

func outboxCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "retry") {
		c := newCommand("outbox", "b24pay outbox list [-dead] [-limit N] | b24pay outbox retry ID",
			"Lists queued side effects, or puts a dead-lettered one back in the queue.", 0)
		if code, done := c.parse(args, stdout, stderr); done {
			return code
		}
		return c.fail(stderr, fmt.Errorf("expected list or retry"))
	}
	if args[0] == "retry" {
		return outboxRetry(args[1:], getenv, stdout, stderr)
	}
	c := newCommand("outbox list", "b24pay outbox list [-dead] [-limit N]", "Lists queued side effects, newest first.", 0)
	dead := c.fs.Bool("dead", false, "only dead-lettered messages")
	limit := c.fs.Int("limit", 100, "at most this many rows")
	if code, done := c.parse(args[1:], stdout, stderr); done {
		return code
	}
	db, code := openDB(getenv, stderr, migrated)
	if code != 0 {
		return code
	}
	defer db.Close()
	status := ""
	if *dead {
		status = outbox.StatusDead
	}
	rows, err := outbox.List(context.Background(), db, status, *limit)
	if err != nil {
		return exitCode(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTOPIC\tPORTAL\tATTEMPTS\tNEXT RUN (UTC)\tLAST ERROR")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", r.ID, r.Status, r.Topic, r.MemberID, r.Attempts,
			r.MaxAttempts, r.RunAt.Format(time.DateTime), r.LastError)
	}
	return exitCode(stderr, tw.Flush())
}

func outboxRetry(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := newCommand("outbox retry", "b24pay outbox retry ID",
		"Puts a dead-lettered message (b24pay outbox list -dead) back in the queue with a fresh attempt budget.", 1)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	id, err := strconv.ParseInt(c.fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return c.fail(stderr, fmt.Errorf("ID must be a positive message id, got %q", c.fs.Arg(0)))
	}
	db, code := openDB(getenv, stderr, migrated)
	if code != 0 {
		return code
	}
	defer db.Close()
	if err := outbox.Retry(context.Background(), db, id, time.Now().UTC()); err != nil {
		return exitCode(stderr, err)
	}
	fmt.Fprintf(stdout, "message %d is queued again\n", id)
	return 0
}

func healthcheck(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := newCommand("healthcheck", "b24pay healthcheck",
		"GET /healthz on the port of B24PAY_ADDR; exit 0 when healthy (for container health checks).", 0)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	cfg, code := loadConfig(getenv, stderr)
	if code != 0 {
		return code
	}
	_, port, _ := net.SplitHostPort(cfg.Addr)
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return exitCode(stderr, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "b24pay: /healthz answered", resp.Status)
		return 1
	}
	return 0
}
