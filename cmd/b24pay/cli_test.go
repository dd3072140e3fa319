package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// commands lists every command path of the CLI.
var commands = [][]string{{"serve"}, {"migrate"}, {"migrate", "up"}, {"migrate", "status"}, {"outbox"},
	{"outbox", "list"}, {"outbox", "retry"}, {"backup"}, {"schedule"}, {"split"}, {"healthcheck"}, {"version"}}

// brokenEnv would stop any command that got past its flags with a config error, so a test can
// tell "the flags were parsed" from "the command ran".
var brokenEnv = envOf(map[string]string{"B24PAY_LOG_LEVEL": "loud"})

func cli(args ...string) commandResult {
	var out, errb bytes.Buffer
	code := run(args, brokenEnv, &out, &errb)
	return commandResult{code, out.String(), errb.String()}
}

func TestEveryCommandAnswersHelpWithZero(t *testing.T) {
	t.Parallel()
	for _, cmd := range commands {
		t.Run(strings.Join(cmd, "_"), func(t *testing.T) {
			t.Parallel()
			for _, h := range []string{"-h", "--help"} {
				r := cli(append(cmd, h)...)
				require.Equal(t, 0, r.code, r.stderr)
				require.Empty(t, r.stderr)
				require.Contains(t, r.stdout, "usage: b24pay "+cmd[0])
			}
		})
	}
	r := cli("-h")
	require.Equal(t, 0, r.code)
	for _, cmd := range commands {
		require.Contains(t, r.stdout, "\n  "+cmd[0], "top-level help names %s", cmd[0])
	}
}

func TestEveryCommandRefusesUnknownFlagsWithTwo(t *testing.T) {
	t.Parallel()
	for _, cmd := range commands {
		t.Run(strings.Join(cmd, "_"), func(t *testing.T) {
			t.Parallel()
			r := cli(append(cmd, "--bogus")...)
			require.Equal(t, 2, r.code)
			require.Empty(t, r.stdout)
			require.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
			require.Contains(t, r.stderr, "-bogus")
			require.Contains(t, r.stderr, "-h shows the usage")
			require.NotContains(t, r.stderr, "B24PAY_LOG_LEVEL", "refused before reading the configuration")
		})
	}
}

func TestCommandsRefuseStrayArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version", "x"}, {"serve", "now"}, {"migrate", "sideways"},
		{"outbox", "retry"}, {"outbox", "retry", "1", "2"}, {"outbox", "retry", "abc"}, {"backup"}} {
		r := cli(args...)
		require.Equal(t, 2, r.code, args)
		require.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
	}
}

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

// TestCLITextIsEnglishAndMarksRequiredFlags: one language for help and errors; the UI stays Russian.
func TestCLITextIsEnglishAndMarksRequiredFlags(t *testing.T) {
	t.Parallel()
	for _, cmd := range commands {
		r := cli(append(cmd, "-h")...)
		require.NotRegexp(t, cyrillic, r.stdout, cmd)
	}
	for cmd, flags := range map[string][]string{"schedule": {"total", "count", "first"}, "split": {"line", "parts", "first"},
		"backup": {"out"}} {
		r := cli(cmd, "-h")
		for _, f := range flags {
			require.Regexp(t, `-`+f+`[^\n]*\n\s+\(required\)`, r.stdout, "%s -%s is marked required", cmd, f)
		}
	}
	for _, args := range [][]string{{"schedule"}, {"schedule", "--total", "100", "--count", "0", "--first", "2025-01-31"},
		{"schedule", "--total", "100"}, {"split", "--line", "A:1:100:18", "--parts", "2", "--first", "2025-01-31"},
		{"schedule", "--total", "0.01", "--count", "7", "--first", "2025-01-31"}} {
		r := cli(args...)
		require.Equal(t, 2, r.code)
		require.NotRegexp(t, cyrillic, r.stderr, args)
	}
}

func TestCountZeroShowsTheRange(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"0", "-1", "601"} {
		r := cli("schedule", "--total", "100", "--count", n, "--first", "2025-01-31")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "b24pay schedule: -count: must be from 1 to 600", n)
	}
}

// TestNumbersAreReadLikeTheTab: a decimal comma and spaces (also non-breaking) between thousands.
func TestNumbersAreReadLikeTheTab(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"10000,50": "10000.50", "120 000,00": "120000.00",
		"120\u00a0000,00": "120000.00", "120\u202f000,00": "120000.00", "120000.00": "120000.00", "120000": "120000.00"} {
		out := scheduleJSON(t, "--total", in, "--count", "2", "--first", "2025-01-31")
		require.Equal(t, want, out.Total, in)
	}
	for _, bad := range []string{"1,000.50", "1,2,3", "12a"} {
		r := cli("schedule", "--total", bad, "--count", "2", "--first", "2025-01-31")
		require.Equal(t, 2, r.code, bad)
		require.Contains(t, r.stderr, "-total:", bad)
	}
	out := scheduleJSON(t, "--total", "10060,00", "--plan", "2025-02-01=3000,50,2025-03-01=7059,50")
	require.Len(t, out.Payments, 2)
	require.Equal(t, "3000.50", out.Payments[0].Amount)
	out = scheduleJSON(t, "--total", "10060", "--plan", "2025-02-01=30%;2025-03-01=70%")
	require.Equal(t, "3018.00", out.Payments[0].Amount)

	var parts splitOut
	r := splitCmd("--line", "Работы:1:1 000,50:20", "--parts", "2", "--first", "2025-01-31", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &parts))
	require.Equal(t, "500.25", parts.Parts[0].Total)
}

// TestSplitAcceptsEveryVATRate keeps split on the one list of rates (schedules.VATRates).
func TestSplitAcceptsEveryVATRate(t *testing.T) {
	t.Parallel()
	for _, rate := range []string{"0", "5", "7", "10", "20", "22", "none"} {
		r := splitCmd("--line", "A:1:107.00:"+rate, "--parts", "1", "--first", "2025-01-31", "--json")
		require.Equal(t, 0, r.code, "%s: %s", rate, r.stderr)
	}
	var out splitOut
	r := splitCmd("--line", "A:1:107.00:7", "--parts", "1", "--first", "2025-01-31", "--json")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	require.Equal(t, "7.00", out.Parts[0].VAT)
}
