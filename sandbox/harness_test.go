package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// bundle is a running sandbox on a free port with the helpers the tests call it through.
type bundle struct {
	t   testing.TB
	sb  *Sandbox
	url string // the service's origin
}

func setup(t testing.TB) *bundle {
	t.Helper()
	sb, err := New(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- sb.Run(ctx, func(url string) { ready <- url }) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("sandbox stopped before it was ready: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return &bundle{t: t, sb: sb, url: sb.url}
}

// call sends a JSON request to the sandbox (path from the origin) and decodes the answer into out.
func (b *bundle) call(method, path, bearer string, body, out any) int {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(b.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		require.NoError(b.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode
}

// tab opens the tab of the first seeded deal as its manager and returns its API token.
func (b *bundle) tab() string {
	b.t.Helper()
	var tab Tab
	require.Equal(b.t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/tab", "", TabRequest{Kind: "deal", ID: 1, User: 2}, &tab))
	return tab.Token
}

// sixInstalments builds and saves 6 equal monthly instalments of the first deal (120 000 ₽),
// the first due in a week, through the tab's API.
func (b *bundle) sixInstalments(token string) []instalmentRow {
	b.t.Helper()
	first := b.sb.clock.Now().In(moscow).AddDate(0, 0, 7).Format("2006-01-02")
	var out struct {
		Schedule struct {
			Instalments []instalmentRow `json:"instalments"`
		} `json:"schedule"`
	}
	require.Equal(b.t, http.StatusCreated, b.call(http.MethodPost, "/api/v1/schedule", token, map[string]any{
		"scheme": "equal", "total": "120000.00", "currency": "RUB", "count": 6,
		"period": map[string]any{"unit": "month", "every": 1}, "first": first}, &out))
	require.Len(b.t, out.Schedule.Instalments, 6)
	require.Equal(b.t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/cron/run", "", nil, nil))
	return out.Schedule.Instalments
}

type instalmentRow struct {
	ID     int64  `json:"id"`
	Seq    int    `json:"seq"`
	Status string `json:"status"`
	Amount string `json:"amount"`
}
