package main

import (
	"context"
	"io"
	"net"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"

	"b24pay/app"
	"b24pay/clock"
)

// serveHooks lets tests mount extra routes and learn the bound address.
type serveHooks struct {
	mount    func(*gin.Engine)
	onListen func(net.Addr)
}

func serveCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := newCommand("serve", "b24pay serve",
		"Runs the HTTP service, the outbox worker and the cron passes until SIGINT or SIGTERM (b24pay alone does the same).", 0)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	return serve(getenv, stderr, serveHooks{})
}

// serve runs until SIGINT or SIGTERM, then drains and exits 0.
func serve(getenv func(string) string, stderr io.Writer, hooks serveHooks) int {
	cfg, code := loadConfig(getenv, stderr)
	if code != 0 {
		return code
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log, clock.System{})
	if err != nil {
		return exitCode(stderr, err)
	}
	if hooks.mount != nil {
		hooks.mount(a.Router())
	}
	return exitCode(stderr, a.Run(ctx, hooks.onListen))
}
