package b24fake_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix/b24fake"
)

func TestLoadChargesOperatingTimePerMethodUntilTheWindowMoves(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 9, 0, 30, 0, time.UTC)
	b := setup(t, func(o *b24fake.Options) { o.Now = func() time.Time { return now } })
	b.p.SetLoad(b24fake.Load{Operating: map[string]time.Duration{"profile": 200 * time.Second}, OperatingLimit: 480 * time.Second})
	batch := map[string]any{"cmd": map[string]any{"a": "profile", "b": "profile"}}
	r := b.call(t, "batch", batch)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Empty(t, r.body["result"].(map[string]any)["result_error"], "two sub-calls fit, the batch itself is free")

	r = b.call(t, "profile", nil)
	require.Equal(t, http.StatusTooManyRequests, r.status, "a third 200 s call exceeds 480 s")
	require.Equal(t, "OPERATION_TIME_LIMIT", r.body["error"])
	require.Equal(t, http.StatusOK, b.call(t, "app.info", nil).status, "other methods are not limited")

	now = now.Add(9 * time.Minute)
	require.Equal(t, http.StatusTooManyRequests, b.call(t, "profile", nil).status, "blocked while the charged minute is in the window")
	now = now.Add(time.Minute)
	require.Equal(t, http.StatusOK, b.call(t, "profile", nil).status)
}
