package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type commandResult struct {
	code           int
	stdout, stderr string
}

func runCommand(run func(args []string, stdout, stderr *bytes.Buffer) int, args ...string) commandResult {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return commandResult{code, out.String(), errb.String()}
}

func scheduleCmd(args ...string) commandResult {
	return runCommand(func(a []string, o, e *bytes.Buffer) int { return runSchedule(a, o, e) }, args...)
}

type scheduleOut struct {
	Currency string `json:"currency"`
	Total    string `json:"total"`
	Interest string `json:"interest"`
	Payments []struct {
		N         int    `json:"n"`
		Due       string `json:"due"`
		Amount    string `json:"amount"`
		Kind      string `json:"kind"`
		Principal string `json:"principal"`
		Interest  string `json:"interest"`
		Remaining string `json:"remaining"`
	} `json:"payments"`
}

func scheduleJSON(t *testing.T, args ...string) scheduleOut {
	t.Helper()
	r := scheduleCmd(append(args, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, r.stderr)
	var out scheduleOut
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	return out
}

func TestScheduleJSONEqualPlanFromIssue(t *testing.T) {
	t.Parallel()
	r := scheduleCmd("--total", "10060.00", "--currency", "RUB", "--scheme", "equal", "--count", "7",
		"--period", "month", "--first", "2025-01-31", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &raw))
	require.Equal(t, "RUB", raw["currency"])
	require.Equal(t, "10060.00", raw["total"])
	payments := raw["payments"].([]any)
	require.Len(t, payments, 7)
	require.Equal(t, map[string]any{"n": 1.0, "due": "2025-01-31", "amount": "1437.15", "kind": "instalment"}, payments[0])
	require.Equal(t, map[string]any{"n": 7.0, "due": "2025-07-31", "amount": "1437.14", "kind": "instalment"}, payments[6])
}

func TestScheduleJSONPlans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		dues    []string
		amounts []string
		kinds   []string
	}{
		{"DownPaymentPercent", []string{"--total", "10060", "--count", "3", "--down", "25%", "--first", "2025-01-31"},
			[]string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"},
			[]string{"2515.00", "2515.00", "2515.00", "2515.00"},
			[]string{"down_payment", "instalment", "instalment", "instalment"}},
		{"DownPaymentAmountAndTerm", []string{"--total", "10060", "--term", "4m", "--down", "2500.00", "--first", "2025-01-31"},
			[]string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"},
			[]string{"2500.00", "1890.00", "1890.00", "1890.00", "1890.00"}, nil},
		{"EveryTwoMonthsAcrossYearEnd", []string{"--total", "300", "--count", "3", "--every", "2", "--first", "2025-10-31"},
			[]string{"2025-10-31", "2025-12-31", "2026-02-28"}, []string{"100.00", "100.00", "100.00"}, nil},
		{"CustomPlanByAmounts", []string{"--total", "10060", "--plan", "2025-02-01=3000.00,2025-03-01=7060.00"},
			[]string{"2025-02-01", "2025-03-01"}, []string{"3000.00", "7060.00"}, nil},
		{"CustomPlanByPercents", []string{"--total", "10060", "--scheme", "custom", "--plan", "2025-02-01=30%,2025-03-01=70%"},
			[]string{"2025-02-01", "2025-03-01"}, []string{"3018.00", "7042.00"}, nil},
		{"FullPayment", []string{"--total", "10060", "--scheme", "full", "--first", "2025-02-01"},
			[]string{"2025-02-01"}, []string{"10060.00"}, nil},
		{"BusinessDaysAfterNewYear", []string{"--total", "200", "--count", "2", "--first", "2026-01-01", "-business-days"},
			[]string{"2026-01-12", "2026-02-02"}, []string{"100.00", "100.00"}, nil},
		{"YenWithoutMinorUnits", []string{"--total", "1000", "--currency", "JPY", "--count", "3", "--first", "2025-01-31"},
			[]string{"2025-01-31", "2025-02-28", "2025-03-31"}, []string{"334", "333", "333"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := scheduleJSON(t, tt.args...)
			var dues, amounts, kinds []string
			for _, p := range out.Payments {
				dues, amounts, kinds = append(dues, p.Due), append(amounts, p.Amount), append(kinds, p.Kind)
			}
			require.Equal(t, tt.dues, dues)
			require.Equal(t, tt.amounts, amounts)
			if tt.kinds != nil {
				require.Equal(t, tt.kinds, kinds)
			}
		})
	}
}

func TestScheduleJSONAnnuityEndsAtZero(t *testing.T) {
	t.Parallel()
	out := scheduleJSON(t, "--total", "100000", "--scheme", "annuity", "--rate", "12", "--count", "12", "--first", "2025-01-31")
	require.Len(t, out.Payments, 12)
	first, last := out.Payments[0], out.Payments[11]
	require.Equal(t, []string{"8884.88", "7884.88", "1000.00", "92115.12"},
		[]string{first.Amount, first.Principal, first.Interest, first.Remaining})
	require.Equal(t, "0.00", last.Remaining)
	require.NotEmpty(t, out.Interest)
}

func TestScheduleHumanTable(t *testing.T) {
	t.Parallel()
	r := scheduleCmd("--total", "10060.00", "--count", "7", "--first", "2025-01-31")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "2025-01-31")
	require.Contains(t, r.stdout, "1\u00a0437,15\u00a0₽")
	require.Contains(t, r.stdout, "Total payable: 10\u00a0060,00\u00a0₽")
	require.Equal(t, 1+1+1+7+1+1, strings.Count(r.stdout, "\n"))

	r = scheduleCmd("--total", "100000", "--scheme", "differentiated", "--rate", "12", "--count", "2", "--first", "2025-01-31")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Interest")
	require.Contains(t, r.stdout, "1\u00a0000,00\u00a0₽") // first month's interest
}

func TestScheduleHumanTableSaysWhyADateMoved(t *testing.T) {
	t.Parallel()
	r := scheduleCmd("--total", "100", "--scheme", "full", "--first", "2029-01-01", "--business-days")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "2029-01-09")
	require.Contains(t, r.stdout, "from 2029-01-01: holiday")
}

// The examples of issue 21: each row's interest is exactly half a kopeck, rounded up.
func TestScheduleHalfKopeckInterest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		row      int
		interest string
	}{
		{"Differentiated12000At39_79Row2", []string{"--total", "12000.00", "--scheme", "differentiated", "--count", "20",
			"--first", "2024-02-29", "--rate", "39.79"}, 2, "378.01"},
		{"Differentiated6At1PercentOneMonth", []string{"--total", "6.00", "--scheme", "differentiated", "--rate", "1",
			"--count", "1", "--first", "2025-01-31"}, 1, "0.01"},
		{"Annuity1735_39At10Row3", []string{"--total", "1735.39", "--scheme", "annuity", "--count", "7", "--rate", "10",
			"--first", "2026-08-28"}, 3, "10.42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := scheduleJSON(t, tt.args...)
			require.Equal(t, tt.interest, out.Payments[tt.row-1].Interest)
			require.Equal(t, "0.00", out.Payments[len(out.Payments)-1].Remaining)
		})
	}
}

func TestScheduleBadInputNamesTheFlag(t *testing.T) {
	t.Parallel()
	base := []string{"--total", "10060", "--count", "7", "--first", "2025-01-31"}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"MissingTotal", []string{"--count", "7", "--first", "2025-01-31"}, "-total"},
		{"TotalNotANumber", []string{"--total", "10 06x", "--count", "7", "--first", "2025-01-31"}, "-total"},
		{"TotalZero", []string{"--total", "0", "--count", "7", "--first", "2025-01-31"}, "-total"},
		{"TotalTooPrecise", []string{"--total", "1.001", "--count", "1", "--first", "2025-01-31"}, "-total"},
		{"UnknownCurrency", with("--currency", "RUR"), "-currency"},
		{"UnknownScheme", with("--scheme", "balloon"), "-scheme"},
		{"CountTooLarge", []string{"--total", "10060", "--count", "601", "--first", "2025-01-31"}, "-count"},
		{"CountNotANumber", []string{"--total", "10060", "--count", "seven", "--first", "2025-01-31"}, "-count"},
		{"NoCountOrTerm", []string{"--total", "10060", "--first", "2025-01-31"}, "-count"},
		{"TermNotWholeQuarters", []string{"--total", "10060", "--term", "7m", "--period", "quarter", "--first", "2025-01-31"}, "-term"},
		{"TermMalformed", []string{"--total", "10060", "--term", "12months", "--first", "2025-01-31"}, "-term"},
		{"UnknownPeriod", with("--period", "fortnight"), "-period"},
		{"EveryZero", with("--every", "0"), "-every"},
		{"ImpossibleFirstDate", []string{"--total", "10060", "--count", "7", "--first", "2025-02-30"}, "-first"},
		{"MissingFirstDate", []string{"--total", "10060", "--count", "7"}, "-first"},
		{"DownWholeTotal", with("--down", "100%"), "-down"},
		{"DownNotANumber", with("--down", "much"), "-down"},
		{"PlanDoesNotAddUp", []string{"--total", "10060", "--plan", "2025-02-01=3000,2025-03-01=7000"}, "-plan"},
		{"PlanDatesBackwards", []string{"--total", "10060", "--plan", "2025-03-01=3000,2025-02-01=7060"}, "-plan"},
		{"PlanMalformed", []string{"--total", "10060", "--plan", "2025-02-01:3000"}, "-plan"},
		{"NegativeRate", with("--scheme", "annuity", "--rate", "-1"), "-rate"},
		{"UnknownFlag", with("--nope", "1"), "-nope"},
		{"FlagWithoutValue", []string{"--count", "7", "-total"}, "-total"},
		{"ExtraArgument", with("now"), "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := scheduleCmd(tt.args...)
			require.Equal(t, 2, r.code)
			require.Empty(t, r.stdout)
			require.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
			require.True(t, strings.HasSuffix(r.stderr, "\n"))
			require.Contains(t, r.stderr, tt.flag)
		})
	}
}

func TestScheduleHelp(t *testing.T) {
	t.Parallel()
	r := scheduleCmd("-h")
	require.Equal(t, 0, r.code)
	require.Contains(t, r.stdout, "-business-days")
	require.Empty(t, r.stderr)
}
