package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"

	"b24pay/sandbox"
)

// sandboxCmd is `b24pay sandbox`: the whole product on one machine, against fakes.
func sandboxCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := newCommand("sandbox", "b24pay sandbox [-addr HOST:PORT] [-data-dir DIR] [-reset]",
		"Runs the service on embedded SQLite, installed into an emulated Bitrix24 portal seeded with Russian\n"+
			"deals and leads, with emulated Invoicebox, SBP bank and YooKassa and a mailbox, and prints one URL.\n"+
			"It never touches real systems: it refuses to start when a database, portal, provider or SMTP variable is set.", 0)
	addr := c.fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (port 0 = any free port)")
	dir := c.fs.String("data-dir", "b24pay-sandbox", "`DIR` for the sandbox's database, secret key and mailbox")
	reset := c.fs.Bool("reset", false, "wipe the data directory of an earlier sandbox and start anew")
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	if err := sandbox.CheckEnvironment(getenv); err != nil {
		fmt.Fprintln(stderr, "b24pay:", err)
		return 2
	}
	level := slog.LevelWarn
	if getenv("B24PAY_LOG_LEVEL") != "" {
		_ = level.UnmarshalText([]byte(getenv("B24PAY_LOG_LEVEL")))
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.New(ctx, sandbox.Options{Addr: *addr, DataDir: *dir, Reset: *reset, Log: log,
		LogLevel: getenv("B24PAY_LOG_LEVEL"), LogFormat: getenv("B24PAY_LOG_FORMAT")})
	if err != nil {
		fmt.Fprintln(stderr, "b24pay:", err)
		return 2
	}
	return exitCode(stderr, sb.Run(ctx, func(url string) {
		fmt.Fprintf(stdout, "b24pay sandbox is ready: open %s (Ctrl+C stops it)\n", url)
	}))
}
