package schedules

import (
	_ "embed"
	"strings"
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

// The day-by-day list the engine used before the calendar was computed
// (published calendars of 2025 and 2026, the 2027 draft).
//
//go:embed testdata/holidays_ru_2025_2027.txt
var publishedDays string

func TestComputedCalendarMatchesPublishedDays(t *testing.T) {
	t.Parallel()
	kinds := map[Date]string{}
	for _, line := range strings.Split(publishedDays, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && !strings.HasPrefix(line, "#") {
			kinds[date(t, f[0])] = f[1]
		}
	}
	for d := NewDate(2025, time.January, 1); d.Year <= 2027; d = d.AddDays(1) {
		want := kinds[d] == "work" || kinds[d] != "off" && !isWeekend(d)
		require.Equal(t, want, IsWorkingDay(d), "%s", d)
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
		{"DecreeMovedSundayHolidayElsewhere2025", "2025-02-24", true},
		{"WorkingSaturdayNovember2025", "2025-11-01", true},
		{"MondayOffForThatSaturday", "2025-11-03", false},
		{"NewYearsEve2025", "2025-12-31", false},
		{"NinthOfJanuary2026", "2026-01-09", false},
		{"MondayAfterSundayMarch8th2026", "2026-03-09", false},
		{"OrdinaryTuesday", "2026-03-10", true},
		{"OrdinarySaturday", "2026-03-14", false},
		{"NewYear2029NoDecree", "2029-01-01", false},
		{"Christmas2030OnMonday", "2030-01-07", false},
		{"NinthOfJanuary2030IsWorking", "2030-01-09", true},
		{"MondayAfterSundayUnityDay2029", "2029-11-05", false},
		{"MondayAfterSaturdayUnityDay2028", "2028-11-06", false},
		{"MondayAfterSundayFebruary23rd2031", "2031-02-24", false},
		{"MondayAfterSaturdayMarch8th2031", "2031-03-10", false},
		{"MondayAfterSundayMayDay2050", "2050-05-02", false},
		{"TuesdayAfterMondayVictoryDay2050", "2050-05-10", true},
		{"MondayAfterSaturdayFebruary23rd2199", "2199-02-25", false},
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
	require.Equal(t, date(t, "2029-01-09"), NextWorkingDay(date(t, "2029-01-01")))
	first, last := DecreeYears()
	require.Equal(t, 2025, first)
	require.Equal(t, 2027, last)
}

// TestBusinessDaysNeverOnAHoliday builds a one-payment plan on every art. 112
// holiday of 2025–2199 and yearly plans anchored on each holiday: no due date
// lands on a holiday or a day off, in years with decrees and without.
func TestBusinessDaysNeverOnAHoliday(t *testing.T) {
	t.Parallel()
	for y := 2025; y <= 2199; y++ {
		for _, h := range holidaysRU {
			d := NewDate(y, h.month, h.day)
			s, err := Build(Plan{Scheme: Full, Total: dec("100"), Currency: "RUB", First: d, BusinessDays: true})
			require.NoError(t, err)
			got := s.Payments[0]
			require.False(t, IsHoliday(got.Due), "%s moved to %s", d, got.Due)
			require.True(t, IsWorkingDay(got.Due), "%s moved to %s", d, got.Due)
			require.Equal(t, d, got.ShiftedFrom)
			require.Equal(t, ReasonHoliday, got.ShiftReason)
		}
	}
	for _, h := range holidaysRU {
		p := Plan{Scheme: Equal, Total: dec("175"), Currency: "RUB", Count: 175, Period: Period{Year, 1},
			First: NewDate(2025, h.month, h.day), BusinessDays: true}
		s, err := Build(p)
		require.NoError(t, err)
		for _, pay := range s.Payments {
			require.False(t, IsHoliday(pay.Due), "%s", pay.Due)
			require.True(t, IsWorkingDay(pay.Due), "%s", pay.Due)
		}
	}
}

func TestBusinessDaysSay2029NewYearWasAHoliday(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Equal, Total: dec("300"), Currency: "RUB", Count: 3, Period: Period{Year, 1},
		First: date(t, "2029-01-01"), BusinessDays: true})
	require.NoError(t, err)
	require.Equal(t, []string{"2029-01-09", "2030-01-09", "2031-01-09"}, dueDates(s))
	require.Equal(t, "перенесено с 01.01.2029 — праздник", s.Payments[0].ShiftNoteRU())
	out, err := s.MarshalJSON()
	require.NoError(t, err)
	require.Contains(t, string(out), `"shifted_from":"2029-01-01","shift_reason":"holiday","shift_note":"перенесено с 01.01.2029 — праздник"`)
}

func TestShiftReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		first  string
		period Period
		count  int
		due    string // of the last payment
		from   string
		reason ShiftReason
	}{
		{"Saturday", "2026-03-14", Period{Month, 1}, 1, "2026-03-16", "2026-03-14", ReasonWeekend},
		{"TransferredDayOff", "2025-05-08", Period{Month, 1}, 1, "2025-05-12", "2025-05-08", ReasonDayOff},
		{"ArticleTwoMondayOff", "2026-03-09", Period{Month, 1}, 1, "2026-03-10", "2026-03-09", ReasonDayOff},
		{"WorkingSaturdayStays", "2025-11-01", Period{Month, 1}, 1, "2025-11-01", "", ""},
		// 1–11 January (holidays, then a weekend) queue up on 12–26 January, one working day
		// each; 12 January, a working day, is taken by then and goes after them.
		{"DailyAcrossNewYear", "2026-01-01", Period{Day, 1}, 12, "2026-01-27", "2026-01-12", ReasonAfterPrevious},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Build(Plan{Scheme: Equal, Total: dec("1200"), Currency: "RUB", Count: tt.count, Period: tt.period,
				First: date(t, tt.first), BusinessDays: true})
			require.NoError(t, err)
			last := s.Payments[len(s.Payments)-1]
			require.Equal(t, tt.due, last.Due.String())
			from, _ := last.ShiftedFrom.MarshalText()
			require.Equal(t, tt.from, string(from))
			require.Equal(t, tt.reason, last.ShiftReason)
		})
	}
}

func TestCalendarWithAdministratorsDecree(t *testing.T) {
	t.Parallel()
	// A 2029 decree entered on the settings page: Saturday 6 January → Monday 31 December.
	cal, err := NewCalendar([]Transfer{{From: date(t, "2029-01-06"), To: date(t, "2029-12-31")}})
	require.NoError(t, err)
	require.True(t, IsWorkingDay(date(t, "2029-12-31")))
	require.False(t, cal.IsWorkingDay(date(t, "2029-12-31")))
	s, err := Build(Plan{Scheme: Full, Total: dec("1"), Currency: "RUB", First: date(t, "2029-12-31"), BusinessDays: true, Calendar: cal})
	require.NoError(t, err)
	require.Equal(t, "2030-01-09", s.Payments[0].Due.String())
	require.Equal(t, ReasonDayOff, s.Payments[0].ShiftReason)

	// A 2027 decree replaces the provisional built-in 2027 transfers.
	cal, err = NewCalendar([]Transfer{{From: date(t, "2027-01-02"), To: date(t, "2027-12-31")}})
	require.NoError(t, err)
	require.False(t, IsWorkingDay(date(t, "2027-11-05")))
	require.True(t, cal.IsWorkingDay(date(t, "2027-11-05")))
	require.False(t, cal.IsWorkingDay(date(t, "2027-12-31")))
	require.False(t, cal.IsWorkingDay(date(t, "2026-12-31")), "other years keep the built-in decrees")
}

func TestValidateTransfers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		t     Transfer
		field string
		code  Code
	}{
		{"FromMissing", Transfer{To: NewDate(2029, 12, 31)}, "transfers.from", CodeRequired},
		{"FromImpossible", Transfer{From: NewDate(2029, 2, 30), To: NewDate(2029, 12, 31)}, "transfers.from", CodeInvalid},
		{"FromIsAWeekday", Transfer{From: NewDate(2029, 1, 9), To: NewDate(2029, 12, 31)}, "transfers.from", CodeNotWeekend},
		{"ToIsASunday", Transfer{From: NewDate(2029, 1, 6), To: NewDate(2029, 12, 30)}, "transfers.to", CodeNotWeekday},
		{"ToIsAHoliday", Transfer{From: NewDate(2029, 1, 6), To: NewDate(2029, 1, 8)}, "transfers.to", CodeNotWeekday},
		{"ToTooFarAway", Transfer{From: NewDate(2029, 1, 6), To: NewDate(2031, 1, 10)}, "transfers.to", CodeOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateTransfers([]Transfer{tt.t})
			e := requireCode(t, err, tt.field, tt.code)
			require.Equal(t, 1, e.Row)
			require.NotEmpty(t, MessageRU(e))
			_, err = NewCalendar([]Transfer{tt.t})
			require.Error(t, err)
		})
	}
	twice := []Transfer{{From: NewDate(2029, 1, 6), To: NewDate(2029, 12, 31)}, {From: NewDate(2029, 1, 7), To: NewDate(2029, 12, 31)}}
	e := requireCode(t, ValidateTransfers(twice), "transfers.to", CodeDuplicate)
	require.Equal(t, 2, e.Row)
	require.NoError(t, ValidateTransfers(builtinTransfers), "the built-in decrees")
}

func TestParseTransfersRejectsBadLines(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"2025-02-30 2025-05-02 x", "2025-01-04 2025-05-02", "2025-01-04"} {
		_, err := parseTransfers(text)
		require.Error(t, err, text)
	}
	ts, err := parseTransfers("# comment\n\n2025-01-04 2025-05-02 New Year holiday\n")
	require.NoError(t, err)
	require.Equal(t, []Transfer{{From: NewDate(2025, 1, 4), To: NewDate(2025, 5, 2), Note: "New Year holiday"}}, ts)
}
