package schedules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPeriodNth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		anchor string
		period Period
		want   []string
	}{
		{"Anchor31Monthly", "2025-01-31", Period{Month, 1},
			[]string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"}},
		{"Anchor31MonthlyLeapYear", "2024-01-31", Period{Month, 1},
			[]string{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"}},
		{"Anchor30NeverDriftsAfterFebruary", "2025-01-30", Period{Month, 1},
			[]string{"2025-01-30", "2025-02-28", "2025-03-30", "2025-04-30"}},
		{"Anchor29InCommonYearFebruary", "2025-01-29", Period{Month, 1},
			[]string{"2025-01-29", "2025-02-28", "2025-03-29"}},
		{"LeapDayYearly", "2024-02-29", Period{Year, 1},
			[]string{"2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"}},
		{"Anchor31Quarterly", "2025-01-31", Period{Quarter, 1},
			[]string{"2025-01-31", "2025-04-30", "2025-07-31", "2025-10-31", "2026-01-31"}},
		{"Anchor30NovemberQuarterlyAcrossLeapFebruary", "2023-11-30", Period{Quarter, 1},
			[]string{"2023-11-30", "2024-02-29", "2024-05-30", "2024-08-30"}},
		{"Anchor31AugustHalfYearly", "2025-08-31", Period{HalfYear, 1},
			[]string{"2025-08-31", "2026-02-28", "2026-08-31", "2027-02-28", "2027-08-31"}},
		{"Anchor31EveryTwoMonthsAcrossYearEnd", "2025-10-31", Period{Month, 2},
			[]string{"2025-10-31", "2025-12-31", "2026-02-28", "2026-04-30", "2026-06-30"}},
		{"Anchor31DecemberEveryTwoMonthsIntoLeapYear", "2023-12-31", Period{Month, 2},
			[]string{"2023-12-31", "2024-02-29", "2024-04-30", "2024-06-30"}},
		{"Weekly", "2025-12-29", Period{Week, 1},
			[]string{"2025-12-29", "2026-01-05", "2026-01-12"}},
		{"EveryTenDaysAcrossLeapDay", "2024-02-20", Period{Day, 10},
			[]string{"2024-02-20", "2024-03-01", "2024-03-11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			anchor := date(t, tt.anchor)
			got := make([]string, len(tt.want))
			for n := range tt.want {
				got[n] = tt.period.Nth(anchor, n).String()
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestTermPeriods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		term   string
		period Period
		want   int
		ok     bool
	}{
		{"TwelveMonthsMonthly", "12m", Period{Month, 1}, 12, true},
		{"TwoYearsQuarterly", "2y", Period{Quarter, 1}, 8, true},
		{"TwelveMonthsEveryTwoMonths", "12m", Period{Month, 2}, 6, true},
		{"OneYearHalfYearly", "1y", Period{HalfYear, 1}, 2, true},
		{"SevenMonthsQuarterlyNotWhole", "7m", Period{Quarter, 1}, 0, false},
		{"NinetyDaysWeeklyNotWhole", "90d", Period{Week, 1}, 0, false},
		{"EightWeeksEveryTwoWeeks", "8w", Period{Week, 2}, 4, true},
		{"ThirtyDaysDaily", "30d", Period{Day, 1}, 30, true},
		{"MonthsWithDailyPeriod", "1m", Period{Day, 1}, 0, false},
		{"DaysWithMonthlyPeriod", "30d", Period{Month, 1}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			term, err := ParseTerm(tt.term)
			require.NoError(t, err)
			require.Equal(t, tt.term, term.String())
			n, ok := term.Periods(tt.period)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.want, n)
		})
	}
}

func TestParseTermRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "m", "12", "12x", "-3m", "0m", "1.5y"} {
		_, err := ParseTerm(s)
		require.ErrorIs(t, err, ErrBadTerm, s)
	}
}

func TestParsePeriodUnit(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"day", "week", "month", "quarter", "halfyear", "year", " Month "} {
		_, err := ParsePeriodUnit(s)
		require.NoError(t, err, s)
	}
	_, err := ParsePeriodUnit("fortnight")
	require.ErrorIs(t, err, ErrBadPeriod)
}
