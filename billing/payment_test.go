package billing

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPaymentStateMachine(t *testing.T) {
	t.Parallel()
	allowed := [][2]string{
		{StatusPending, StatusSucceeded}, {StatusPending, StatusUnknown}, {StatusPending, StatusExpired},
		{StatusUnknown, StatusPending}, {StatusUnknown, StatusSucceeded}, {StatusUnknown, StatusFailed},
		{StatusSucceeded, StatusPartiallyRefunded}, {StatusSucceeded, StatusRefunded},
		{StatusPartiallyRefunded, StatusRefunded},
		// money that arrives for a payment we closed is booked (a late payment)
		{StatusCancelled, StatusSucceeded}, {StatusExpired, StatusSucceeded}, {StatusFailed, StatusSucceeded},
		// a refused refund releases its reservation
		{StatusRefunded, StatusSucceeded}, {StatusPartiallyRefunded, StatusSucceeded},
	}
	for _, m := range allowed {
		require.True(t, CanMove(m[0], m[1]), "%s → %s", m[0], m[1])
	}
	forbidden := [][2]string{
		{StatusSucceeded, StatusPending}, {StatusSucceeded, StatusFailed}, {StatusSucceeded, StatusCancelled},
		{StatusFailed, StatusPending}, {StatusExpired, StatusPending}, {StatusCancelled, StatusPending},
		{StatusCancelled, StatusRefunded}, {StatusPending, StatusRefunded}, {StatusUnknown, StatusRefunded},
	}
	for _, m := range forbidden {
		require.False(t, CanMove(m[0], m[1]), "%s → %s", m[0], m[1])
		require.ErrorIs(t, checkMove(m[0], m[1]), ErrIllegalTransition)
	}
	require.True(t, Open(StatusPending))
	require.True(t, Open(StatusUnknown))
	require.False(t, Open(StatusSucceeded))
}

func TestReconciliationBacksOffFromMinutesToDaily(t *testing.T) {
	t.Parallel()
	prev := checkDelay(1)
	for n := 2; n < 12; n++ {
		require.GreaterOrEqual(t, checkDelay(n), prev)
		prev = checkDelay(n)
	}
	require.Equal(t, 5*60, int(checkDelay(1).Seconds()))
	require.Equal(t, 24*3600, int(checkDelay(20).Seconds()))
}
