// Command b24pay runs the service and its maintenance and calculation commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	_ "time/tzdata" // the static image has no zoneinfo; Europe/Moscow must still load

	"b24pay/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: b24pay [command] [flags]

commands:
  serve                         run the HTTP service and background work (default)
  sandbox                       try the whole product locally: emulated Bitrix24, banks and mailbox
  migrate up|status             apply, or list read-only, the database migrations
  outbox list [-dead]           list queued side effects (-dead: only dead-lettered ones)
  outbox retry ID               put a dead outbox message back in the queue
  backup -out FILE              online consistent copy of the embedded SQLite database
  schedule -total A -count N    print a payment schedule
  split -line L -parts N …      split an invoice into parts
  healthcheck                   GET /healthz on B24PAY_ADDR; exit 0 when healthy (container health checks)
  version                       print the version

Every command answers -h with its flags. Configuration comes from the environment (README).
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(args, getenv, stdout, stderr)
	case "sandbox":
		return sandboxCmd(args, getenv, stdout, stderr)
	case "migrate":
		return migrate(args, getenv, stdout, stderr)
	case "outbox":
		return outboxCmd(args, getenv, stdout, stderr)
	case "backup":
		return backup(args, getenv, stdout, stderr)
	case "schedule":
		return runSchedule(args, stdout, stderr)
	case "split":
		return runSplit(args, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, getenv, stdout, stderr)
	case "version":
		return versionCmd(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "b24pay: unknown command %q (b24pay -h lists the commands)\n", cmd)
	return 2
}

func versionCmd(args []string, stdout, stderr io.Writer) int {
	c := newCommand("version", "b24pay version", "Prints the version.", 0)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	fmt.Fprintln(stdout, "b24pay", version)
	return 0
}

// newLogger builds the process logger from the config's format and level.
func newLogger(cfg app.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadConfig reads the config; a bad value prints one line naming the variable and yields exit code 2.
func loadConfig(getenv func(string) string, stderr io.Writer) (app.Config, int) {
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "b24pay:", err)
		return cfg, 2
	}
	cfg.Version = version
	return cfg, 0
}

// exitCode reports err in one line: 2 for configuration errors, 1 otherwise.
func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "b24pay:", strings.ReplaceAll(err.Error(), "\n", " "))
	var cfgErr *app.ConfigError
	if errors.As(err, &cfgErr) {
		return 2
	}
	return 1
}
