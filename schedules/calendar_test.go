package schedules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWorkingDaysPerYear(t *testing.T) {
	t.Parallel()
	// Official production calendars (five-day week): 247 working days each.
	for year, want := range map[int]int{2025: 247, 2026: 247} {
		got := 0
		for d := NewDate(year, time.January, 1); d.Year == year; d = d.AddDays(1) {
			if IsWorkingDay(d) {
				got++
			}
		}
		require.Equal(t, want, got, "year %d", year)
	}
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		day     string
		working bool
	}{
		{"NewYearHoliday", "2025-01-08", false},
		{"FirstWorkingDayOf2025", "2025-01-09", true},
		{"TransferredDayOffInMay", "2025-05-08", false},
		{"TransferredDayOffInJune", "2025-06-13", false},
		{"WorkingSaturdayNovember2025", "2025-11-01", true},
		{"MondayOffForThatSaturday", "2025-11-03", false},
		{"NewYearsEve2025", "2025-12-31", false},
		{"NinthOfJanuary2026", "2026-01-09", false},
		{"MondayAfterSundayMarch8th2026", "2026-03-09", false},
		{"OrdinaryTuesday", "2026-03-10", true},
		{"OrdinarySaturday", "2026-03-14", false},
		{"SundayOutsideCalendar", "2030-01-06", false},
		{"MondayOutsideCalendar", "2030-01-07", true}, // holiday in reality; the data stop at 2027
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.working, IsWorkingDay(date(t, tt.day)))
		})
	}
}

func TestNextWorkingDay(t *testing.T) {
	t.Parallel()
	require.Equal(t, date(t, "2026-01-12"), NextWorkingDay(date(t, "2025-12-31")))
	require.Equal(t, date(t, "2025-05-12"), NextWorkingDay(date(t, "2025-05-08")))
	require.Equal(t, date(t, "2025-11-01"), NextWorkingDay(date(t, "2025-11-01")))
	first, last := CalendarYears()
	require.Equal(t, 2025, first)
	require.Equal(t, 2027, last)
}

func TestParseCalendarRejectsBadLines(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"2025-02-30 off x", "2025-01-01 holiday x", "2025-01-01"} {
		_, err := parseCalendar(text)
		require.Error(t, err, text)
	}
	c, err := parseCalendar("# comment\n\n2025-01-01 off New Year\n2025-11-01 work Saturday\n")
	require.NoError(t, err)
	require.True(t, c.off[NewDate(2025, time.January, 1)])
	require.True(t, c.work[NewDate(2025, time.November, 1)])
}
