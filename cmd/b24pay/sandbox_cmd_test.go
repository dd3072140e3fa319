package main

import (
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
)

// The sandbox's home page and control API exist only in `b24pay sandbox`: `serve`, with every
// route group on, has no /sandbox/ route and answers 404 there.
func TestServeDoesNotExposeTheSandbox(t *testing.T) {
	env := map[string]string{"B24PAY_ADDR": "127.0.0.1:0", "B24PAY_DATA_DIR": t.TempDir(),
		"B24PAY_B24_PORTAL_URL": "https://example.bitrix24.ru", "B24PAY_B24_CLIENT_ID": "local.1", "B24PAY_B24_CLIENT_SECRET": "s",
		"B24PAY_PUBLIC_URL": "https://pay.example.ru"}
	addrCh := make(chan net.Addr, 1)
	var paths []string
	hooks := serveHooks{mount: func(r *gin.Engine) {
		for _, rt := range r.Routes() {
			paths = append(paths, rt.Path)
		}
	}, onListen: func(a net.Addr) { addrCh <- a }}
	var stderr lockedBuffer
	exit := make(chan int, 1)
	go func() { exit <- serve(envOf(env), &stderr, hooks) }()
	base := "http://" + (<-addrCh).String()
	require.Contains(t, paths, "/b24/placement", "the Bitrix24 routes are on")
	for _, p := range paths {
		require.False(t, strings.HasPrefix(p, "/sandbox"), p)
	}
	for _, path := range []string{"/sandbox/", "/sandbox/api/clock", "/sandbox/api/seed"} {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	require.Equal(t, 0, <-exit, stderr.String())
}

func TestSandboxCommandRefusesRealSystemsAndAnswersHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	code := run([]string{"sandbox", "--data-dir", t.TempDir()}, envOf(map[string]string{"DATABASE_URL": "postgres://u@db/x"}), &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line")
	require.Contains(t, stderr.String(), "DATABASE_URL")
	code = run([]string{"sandbox", "--addr", "127.0.0.1:0"}, envOf(map[string]string{"B24PAY_SBP_SECRET_KEY": "live"}), &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "B24PAY_SBP_SECRET_KEY")

	stdout.Reset()
	require.Equal(t, 0, run([]string{"sandbox", "-h"}, envOf(nil), &stdout, &stderr))
	for _, flag := range []string{"-addr", "-data-dir", "-reset"} {
		require.Contains(t, stdout.String(), flag)
	}
}
