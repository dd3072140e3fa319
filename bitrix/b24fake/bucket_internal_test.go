package b24fake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLeakyBucketDrains(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := leakyBucket{rate: 2, size: 50, clock: func() time.Time { return now }}
	for i := range 51 {
		require.True(t, b.admit(), "request %d: the level may reach size+1", i)
	}
	require.False(t, b.admit(), "once the level exceeds the size the next request is rejected")
	now = now.Add(500 * time.Millisecond)
	require.True(t, b.admit(), "half a second drains one slot at 2/s")
	require.False(t, b.admit())
	now = now.Add(time.Minute)
	for range 50 {
		require.True(t, b.admit())
	}
}
