package schedules

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func monthly() Period { return Period{Month, 1} }

func TestBuildPeriodicPlans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		plan    Plan
		dates   []string
		amounts []string
		kinds   []Kind
	}{
		{
			name:    "EqualIssueExampleFromJanuary31",
			plan:    Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 7, Period: monthly(), First: date(t, "2025-01-31")},
			dates:   []string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31"},
			amounts: []string{"1437.15", "1437.15", "1437.14", "1437.14", "1437.14", "1437.14", "1437.14"},
		},
		{
			name:    "DownPaymentAmountThenInstalmentsOnePeriodLater",
			plan:    Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 4, Down: DownPayment{Amount: dec("2500")}, Period: monthly(), First: date(t, "2025-01-31")},
			dates:   []string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"},
			amounts: []string{"2500.00", "1890.00", "1890.00", "1890.00", "1890.00"},
			kinds:   []Kind{KindDownPayment, KindInstalment, KindInstalment, KindInstalment, KindInstalment},
		},
		{
			name: "DownPaymentOnItsOwnDateThenInstalmentsFromFirst",
			plan: Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 4, Period: monthly(), First: date(t, "2025-01-31"),
				Down: DownPayment{Amount: dec("2500"), Due: date(t, "2025-01-10")}},
			dates:   []string{"2025-01-10", "2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"},
			amounts: []string{"2500.00", "1890.00", "1890.00", "1890.00", "1890.00"},
			kinds:   []Kind{KindDownPayment, KindInstalment, KindInstalment, KindInstalment, KindInstalment},
		},
		{
			name: "DownPaymentOnTheFirstInstalmentsDay",
			plan: Plan{Scheme: Equal, Total: dec("300"), Currency: "RUB", Count: 2, Period: monthly(), First: date(t, "2025-03-15"),
				Down: DownPayment{Percent: dec("50"), Due: date(t, "2025-03-15")}},
			dates:   []string{"2025-03-15", "2025-03-15", "2025-04-15"},
			amounts: []string{"150.00", "75.00", "75.00"},
		},
		{
			name:    "DownPaymentPercent",
			plan:    Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 3, Down: DownPayment{Percent: dec("25")}, Period: monthly(), First: date(t, "2025-03-15")},
			dates:   []string{"2025-03-15", "2025-04-15", "2025-05-15", "2025-06-15"},
			amounts: []string{"2515.00", "2515.00", "2515.00", "2515.00"},
		},
		{
			name:    "DownPaymentPercentRoundsHalfUp",
			plan:    Plan{Scheme: Equal, Total: dec("1000.05"), Currency: "RUB", Count: 2, Down: DownPayment{Percent: dec("10")}, Period: monthly(), First: date(t, "2025-03-15")},
			dates:   []string{"2025-03-15", "2025-04-15", "2025-05-15"},
			amounts: []string{"100.01", "450.02", "450.02"}, // 100.005 rounds up
		},
		{
			name:    "TermTwelveMonthsEveryTwoMonthsAcrossYearEnd",
			plan:    Plan{Scheme: Equal, Total: dec("600"), Currency: "RUB", Term: Term{12, Month}, Period: Period{Month, 2}, First: date(t, "2025-10-31")},
			dates:   []string{"2025-10-31", "2025-12-31", "2026-02-28", "2026-04-30", "2026-06-30", "2026-08-31"},
			amounts: []string{"100.00", "100.00", "100.00", "100.00", "100.00", "100.00"},
		},
		{
			name:    "QuarterlyFromAnchor30ThroughLeapFebruary",
			plan:    Plan{Scheme: Equal, Total: dec("1000"), Currency: "RUB", Count: 3, Period: Period{Quarter, 1}, First: date(t, "2023-11-30")},
			dates:   []string{"2023-11-30", "2024-02-29", "2024-05-30"},
			amounts: []string{"333.34", "333.33", "333.33"},
		},
		{
			name:    "YearlyFromLeapDay",
			plan:    Plan{Scheme: Equal, Total: dec("500"), Currency: "RUB", Count: 5, Period: Period{Year, 1}, First: date(t, "2024-02-29")},
			dates:   []string{"2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"},
			amounts: []string{"100.00", "100.00", "100.00", "100.00", "100.00"},
		},
		{
			name:    "FullOnFirstDate",
			plan:    Plan{Scheme: Full, Total: dec("10060"), Currency: "RUB", First: date(t, "2025-02-01")},
			dates:   []string{"2025-02-01"},
			amounts: []string{"10060.00"},
		},
		{
			name:    "BusinessDaysSkipNewYearAndWeekends",
			plan:    Plan{Scheme: Equal, Total: dec("300"), Currency: "RUB", Count: 3, Period: monthly(), First: date(t, "2025-12-31"), BusinessDays: true},
			dates:   []string{"2026-01-12", "2026-02-02", "2026-03-02"},
			amounts: []string{"100.00", "100.00", "100.00"},
		},
		{
			name:    "BusinessDaysKeepWeeklyDatesApartAcrossHolidays",
			plan:    Plan{Scheme: Equal, Total: dec("400"), Currency: "RUB", Count: 4, Period: Period{Week, 1}, First: date(t, "2025-12-25"), BusinessDays: true},
			dates:   []string{"2025-12-25", "2026-01-12", "2026-01-13", "2026-01-15"},
			amounts: []string{"100.00", "100.00", "100.00", "100.00"},
		},
		{
			name:    "BusinessDaysKeepWorkingSaturday",
			plan:    Plan{Scheme: Full, Total: dec("1"), Currency: "RUB", First: date(t, "2025-11-01"), BusinessDays: true},
			dates:   []string{"2025-11-01"},
			amounts: []string{"1.00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Build(tt.plan)
			require.NoError(t, err)
			require.Equal(t, tt.dates, dueDates(s))
			requireDecimals(t, decs(tt.amounts...), amounts(s))
			require.True(t, s.Payable().Equal(tt.plan.Total))
			for i, p := range s.Payments {
				require.Equal(t, i+1, p.N)
				if tt.kinds != nil {
					require.Equal(t, tt.kinds[i], p.Kind)
				}
			}
		})
	}
}

func TestBuildCustomPlans(t *testing.T) {
	t.Parallel()
	rows := func(pairs ...string) []Row {
		var out []Row
		for i := 0; i < len(pairs); i += 2 {
			r := Row{Due: date(t, pairs[i])}
			if v := pairs[i+1]; v[len(v)-1] == '%' {
				r.Percent = dec(v[:len(v)-1])
			} else {
				r.Amount = dec(v)
			}
			out = append(out, r)
		}
		return out
	}
	tests := []struct {
		name    string
		rows    []Row
		total   string
		amounts []string
	}{
		{"AmountsAddUp", rows("2025-02-01", "3000", "2025-03-01", "7060"), "10060", []string{"3000.00", "7060.00"}},
		{"PercentsAddUp", rows("2025-02-01", "30%", "2025-03-01", "70%"), "10060", []string{"3018.00", "7042.00"}},
		{"PercentThirdsKeepTheTotal", rows("2025-02-01", "33.33%", "2025-03-01", "33.33%", "2025-04-01", "33.34%"), "100", []string{"33.33", "33.33", "33.34"}},
		{"PercentKopecksGoToEarliest", rows("2025-02-01", "50%", "2025-03-01", "50%"), "0.03", []string{"0.02", "0.01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Build(Plan{Scheme: Custom, Total: dec(tt.total), Currency: "RUB", Rows: tt.rows})
			require.NoError(t, err)
			requireDecimals(t, decs(tt.amounts...), amounts(s))
			require.Equal(t, tt.rows[0].Due, s.Payments[0].Due)
		})
	}
}

func TestBuildAnnuity(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Annuity, Total: dec("100000"), Currency: "RUB", Count: 12, Period: monthly(),
		First: date(t, "2025-01-31"), AnnualRate: dec("12")})
	require.NoError(t, err)
	require.Len(t, s.Payments, 12)
	first, last := s.Payments[0], s.Payments[11]
	// r = 1 % a month: A = 100000·0.01·1.01¹²/(1.01¹²−1) = 8884.8788… → 8884.88.
	require.Equal(t, "8884.88", plain(first.AmountMinor))
	require.Equal(t, "1000.00", plain(first.InterestMinor))
	require.Equal(t, "7884.88", plain(first.PrincipalMinor))
	require.Equal(t, "92115.12", plain(first.RemainingMinor))
	require.Equal(t, "2025-02-28", s.Payments[1].Due.String())
	require.Equal(t, "0.00", plain(last.RemainingMinor))
	requireInterestRows(t, s, dec("100000"))
	for _, p := range s.Payments[:11] {
		require.Equal(t, "8884.88", plain(p.AmountMinor))
	}
	require.True(t, s.Interest.Equal(s.Payable().Sub(s.Total)))
}

func TestBuildAnnuityWithDownPayment(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Annuity, Total: dec("10060"), Currency: "RUB", Count: 4, Period: monthly(),
		First: date(t, "2025-01-31"), AnnualRate: dec("12.5"), Down: DownPayment{Amount: dec("2500")}})
	require.NoError(t, err)
	require.Len(t, s.Payments, 5)
	down := s.Payments[0]
	require.Equal(t, KindDownPayment, down.Kind)
	require.Equal(t, "7560.00", plain(down.RemainingMinor))
	require.Zero(t, down.InterestMinor)
	// r = 12.5/1200; on 7560 the first interest is 78.75.
	require.Equal(t, "78.75", plain(s.Payments[1].InterestMinor))
	require.Equal(t, "2025-02-28", s.Payments[1].Due.String())
	requireInterestRows(t, s, dec("10060"))
}

func TestBuildAnnuityRateScalesWithPeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		period   Period
		interest string
	}{
		{"QuarterlyIsAnnualOverFour", Period{Quarter, 1}, "3000.00"},
		{"EveryTwoMonthsIsAnnualOverSix", Period{Month, 2}, "2000.00"},
		{"YearlyIsAnnual", Period{Year, 1}, "12000.00"},
		{"DailyIsAnnualOver365", Period{Day, 1}, "32.88"}, // 100000·0.12/365
		{"WeeklyIsSevenDays", Period{Week, 1}, "230.14"},  // 100000·0.12·7/365
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Build(Plan{Scheme: Annuity, Total: dec("100000"), Currency: "RUB", Count: 4, Period: tt.period,
				First: date(t, "2025-01-31"), AnnualRate: dec("12")})
			require.NoError(t, err)
			require.Equal(t, tt.interest, plain(s.Payments[0].InterestMinor))
			requireInterestRows(t, s, dec("100000"))
		})
	}
}

func TestBuildAnnuityWithZeroRateIsEqual(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Annuity, Total: dec("10060"), Currency: "RUB", Count: 7, Period: monthly(), First: date(t, "2025-01-31")})
	require.NoError(t, err)
	requireDecimals(t, decs("1437.15", "1437.15", "1437.14", "1437.14", "1437.14", "1437.14", "1437.14"), amounts(s))
	require.True(t, s.Interest.IsZero())
}

func TestBuildDifferentiated(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Differentiated, Total: dec("120000"), Currency: "RUB", Count: 12, Period: monthly(),
		First: date(t, "2025-01-31"), AnnualRate: dec("12")})
	require.NoError(t, err)
	require.Len(t, s.Payments, 12)
	for k, p := range s.Payments {
		require.Equal(t, "10000.00", plain(p.PrincipalMinor))
		// interest on 120000 − 10000·k at 1 % a month
		require.EqualValues(t, (1200-100*k)*100, p.InterestMinor, "row %d", k+1)
	}
	require.Equal(t, "7800.00", s.Interest.StringFixed(2))
	requireInterestRows(t, s, dec("120000"))
}

func TestBuildLongAnnuityEndsAtZero(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Annuity, Total: dec("3000000"), Currency: "RUB", Count: 360, Period: monthly(),
		First: date(t, "2025-01-31"), AnnualRate: dec("10.5")})
	require.NoError(t, err)
	require.Equal(t, "27442.18", plain(s.Payments[0].AmountMinor))
	require.Equal(t, "2054-12-31", s.Payments[359].Due.String())
	requireInterestRows(t, s, dec("3000000"))
}

// requireInterestRows checks the row identities of an interest plan:
// principal + interest = amount, principal sums to the total, remaining
// falls by each principal and ends at 0.00.
func requireInterestRows(t *testing.T, s Schedule, total decimal.Decimal) {
	t.Helper()
	left := units(total, s.Currency.Minor)
	for _, p := range s.Payments {
		require.Equal(t, p.AmountMinor, p.PrincipalMinor+p.InterestMinor, "row %d", p.N)
		require.Positive(t, p.AmountMinor, "row %d", p.N)
		left -= p.PrincipalMinor
		require.Equal(t, left, p.RemainingMinor, "row %d remaining", p.N)
	}
	require.Zero(t, left, "the principal sums to the total")
}

func TestScheduleJSON(t *testing.T) {
	t.Parallel()
	s, err := Build(Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 7, Period: monthly(), First: date(t, "2025-01-31")})
	require.NoError(t, err)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var got struct {
		Currency string           `json:"currency"`
		Total    string           `json:"total"`
		Payments []map[string]any `json:"payments"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, "RUB", got.Currency)
	require.Equal(t, "10060.00", got.Total)
	require.Equal(t, map[string]any{"n": 1.0, "due": "2025-01-31", "amount": "1437.15", "kind": "instalment"}, got.Payments[0])

	a, err := Build(Plan{Scheme: Annuity, Total: dec("100000"), Currency: "RUB", Count: 12, Period: monthly(), First: date(t, "2025-01-31"), AnnualRate: dec("12")})
	require.NoError(t, err)
	b, err = json.Marshal(a)
	require.NoError(t, err)
	require.Contains(t, string(b), `{"n":1,"due":"2025-01-31","amount":"8884.88","kind":"instalment","principal":"7884.88","interest":"1000.00","remaining":"92115.12"}`)
}
