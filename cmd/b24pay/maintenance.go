package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"text/tabwriter"
	"time"

	"b24pay/outbox"
)

func migrate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		fmt.Fprintln(stderr, "b24pay: usage: b24pay migrate up|status")
		return 2
	}
	// Opening the app applies pending migrations, so "up" has already happened here.
	a, code := openApp(getenv, stderr)
	if code != 0 {
		return code
	}
	defer a.Close()
	st, err := a.DB().MigrationStatuses(context.Background())
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
		fmt.Fprintln(stderr, "b24pay: usage: b24pay outbox list [--dead] | b24pay outbox retry ID")
		return 2
	}
	fs := flag.NewFlagSet("outbox "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dead := fs.Bool("dead", false, "only dead-lettered messages")
	limit := fs.Int("limit", 100, "at most this many rows")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var id int64
	if args[0] == "retry" {
		n, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if fs.NArg() != 1 || err != nil || n <= 0 {
			fmt.Fprintln(stderr, "b24pay: outbox retry: ID must be a positive message id (see b24pay outbox list --dead)")
			return 2
		}
		id = n
	}
	a, code := openApp(getenv, stderr)
	if code != 0 {
		return code
	}
	defer a.Close()
	ctx := context.Background()
	if args[0] == "retry" {
		if err := outbox.Retry(ctx, a.DB(), id, time.Now().UTC()); err != nil {
			return exitCode(stderr, err)
		}
		fmt.Fprintf(stdout, "message %d is queued again\n", id)
		return 0
	}
	status := ""
	if *dead {
		status = outbox.StatusDead
	}
	rows, err := outbox.List(ctx, a.DB(), status, *limit)
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

func healthcheck(getenv func(string) string, stderr io.Writer) int {
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
