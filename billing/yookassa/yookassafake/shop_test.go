package yookassafake_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
)

const body = `{"amount":{"value":"10.00","currency":"RUB"},"capture":true,
	"confirmation":{"type":"redirect","return_url":"https://x/"}}`

type clockT struct{ now time.Time }

func send(t *testing.T, url, auth, key, ctype, b string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/v3/payments", strings.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", ctype)
	if key != "" {
		req.Header.Set("Idempotence-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestShopRefusesWhatTheDocsRefuse(t *testing.T) {
	t.Parallel()
	c := &clockT{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	shop := yookassafake.New(yookassafake.Config{ShopID: "1", SecretKey: "s", Now: func() time.Time { return c.now }})
	srv := httptest.NewServer(shop)
	t.Cleanup(srv.Close)
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("1:s"))

	status, raw := send(t, srv.URL, "Basic eDp5", "k", "application/json", body)
	require.Equal(t, 401, status)
	require.Contains(t, raw, `"code":"invalid_credentials"`)

	status, raw = send(t, srv.URL, good, "", "application/json", body)
	require.Equal(t, 400, status)
	require.Contains(t, raw, `"parameter":"Idempotence-Key"`)

	status, _ = send(t, srv.URL, good, "k", "text/plain", body)
	require.Equal(t, 415, status)

	status, raw = send(t, srv.URL, good, "k", "application/json", strings.Replace(body, "10.00", "0.00", 1))
	require.Equal(t, 400, status)
	require.Contains(t, raw, `"parameter":"amount.value"`)

	status, first := send(t, srv.URL, good, "k24", "application/json", body)
	require.Equal(t, 200, status)
	_, again := send(t, srv.URL, good, "k24", "application/json", body)
	require.Equal(t, first, again)
	c.now = c.now.Add(24 * time.Hour) // keys are honoured for 24 hours only
	_, later := send(t, srv.URL, good, "k24", "application/json", body)
	require.NotEqual(t, first, later)
	require.Equal(t, 2, shop.Payments())
}
