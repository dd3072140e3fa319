package yookassa_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
	"b24pay/billing/yookassa/yookassafake"
)

type testBundle struct {
	shop   *yookassafake.Shop
	client *yookassa.Client
	inbox  *inbox
}

// inbox records notification bodies; it answers 503 to the first `refuse` deliveries.
type inbox struct {
	mu     sync.Mutex
	bodies [][]byte
	refuse int
}

func (i *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.refuse > 0 {
		i.refuse--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	i.bodies = append(i.bodies, b)
}

func (i *inbox) all() [][]byte {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([][]byte(nil), i.bodies...)
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	tb := &testBundle{inbox: &inbox{}}
	in := httptest.NewServer(tb.inbox)
	tb.shop = yookassafake.New(yookassafake.Config{ShopID: "100500", SecretKey: "test_secret",
		NotificationURL: in.URL, RetryDelays: []time.Duration{time.Millisecond, time.Millisecond}})
	srv := httptest.NewServer(tb.shop)
	t.Cleanup(func() { tb.shop.Wait(); srv.Close(); in.Close() })
	tb.client = newClient(t, srv.URL, "test_secret")
	return tb
}

func newClient(t *testing.T, url, secret string) *yookassa.Client {
	t.Helper()
	c, err := yookassa.New(yookassa.Config{BaseURL: url, ShopID: "100500", SecretKey: secret,
		Timeout: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return c
}
