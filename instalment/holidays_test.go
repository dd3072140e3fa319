package instalment

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/schedules"
	"b24pay/store"
	"b24pay/store/storetest"
)

func holidayService(db *store.DB) *Service {
	return NewService(db, clock.NewFrozen(time.Date(2028, 10, 1, 9, 0, 0, 0, time.UTC)), nil, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Location: time.UTC})
}

// A portal's transfers shape only its own calendar; one portal cannot delete another's.
func TestHolidayTransfersBelongToTheirPortal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := holidayService(db), context.Background()
		moved := schedules.Transfer{From: schedules.NewDate(2029, 1, 6), To: schedules.NewDate(2029, 12, 31), Note: "decree"}
		require.NoError(t, s.AddHolidayTransfer(ctx, "portal-a", 1, moved))
		a, err := s.Calendar(ctx, "portal-a")
		require.NoError(t, err)
		b, err := s.Calendar(ctx, "portal-b")
		require.NoError(t, err)
		require.False(t, a.IsWorkingDay(moved.To))
		require.True(t, b.IsWorkingDay(moved.To))

		rows, err := s.HolidayTransfers(ctx, "portal-a")
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, moved, rows[0].Transfer())
		require.NoError(t, s.DeleteHolidayTransfer(ctx, "portal-b", rows[0].ID))
		rows, err = s.HolidayTransfers(ctx, "portal-a")
		require.NoError(t, err)
		require.Len(t, rows, 1, "portal b deleted nothing of portal a")
		require.NoError(t, s.DeleteHolidayTransfer(ctx, "portal-a", rows[0].ID))
		a, err = s.Calendar(ctx, "portal-a")
		require.NoError(t, err)
		require.True(t, a.IsWorkingDay(moved.To))
	})
}

// Two admins adding the same day off at once: the unique index lets one in.
func TestConcurrentHolidayTransfersStoreOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := holidayService(db), context.Background()
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.AddHolidayTransfer(ctx, "portal-a", int64(i), schedules.Transfer{
					From: schedules.NewDate(2029, 1, 6), To: schedules.NewDate(2029, 12, 31)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			var es schedules.ValidationErrors
			require.True(t, errors.Is(err, ErrTransferExists) || errors.As(err, &es), "%v", err)
		}
		require.Equal(t, 1, ok)
		rows, err := s.HolidayTransfers(ctx, "portal-a")
		require.NoError(t, err)
		require.Len(t, rows, 1)
	})
}
