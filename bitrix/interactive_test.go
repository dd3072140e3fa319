package bitrix

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// A person waiting gets QUERY_LIMIT_EXCEEDED after InteractiveRetries retries; background work
// (no mark) keeps retrying and gets through.
func TestInteractiveCallsGiveUpOnQueryLimitBackgroundCallsDoNot(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var n atomic.Int32
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		if n.Add(1) <= 6 {
			reply(w, 503, `{"error":"QUERY_LIMIT_EXCEEDED"}`)
			return
		}
		reply(w, 200, `{"result":true}`)
	}
	c := b.client(t)
	_, err := c.Call(Interactive(context.Background()), "m", nil)
	require.ErrorIs(t, err, ErrQueryLimitExceeded)
	require.Equal(t, 4, b.stub.callsOf("m"), "the first try and three retries")

	_, err = c.Call(context.Background(), "m", nil)
	require.NoError(t, err)
	require.Equal(t, 7, b.stub.callsOf("m"))
}
