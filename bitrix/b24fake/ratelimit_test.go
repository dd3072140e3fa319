package b24fake_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestBurstAboveBucketIsRejected(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *optionsAlias) { o.Rate, o.Burst = 0.001, 5 })
	for range 6 {
		b.call(t, "server.time", nil).ok(t)
	}
	b.call(t, "server.time", nil).failed(t, http.StatusServiceUnavailable, "QUERY_LIMIT_EXCEEDED")
	require.Equal(t, 1, b.p.Rejected503())
	require.Equal(t, 7, b.p.Requests("server.time"))
	require.Equal(t, 6, b.p.Calls("server.time"), "a rejected request is not executed")
}

func TestClientRespectingTheBucketNeverSees503(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *optionsAlias) { o.Rate, o.Burst = 50, 10 })
	// Four requests of headroom (80 ms at 50/s) absorb the delay between the client's grant
	// and the portal's count on a busy machine; the rate itself is the portal's.
	limiter := rate.NewLimiter(50, 6)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				require.NoError(t, limiter.Wait(context.Background()))
				resp, err := http.Get(b.srv.URL + "/rest/server.time?auth=" + b.access)
				require.NoError(t, err)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	require.Equal(t, 40, b.p.TotalRequests())
	require.Zero(t, b.p.Rejected503())
}
