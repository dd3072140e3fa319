package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func splitCmd(args ...string) commandResult {
	return runCommand(func(a []string, o, e *bytes.Buffer) int { return runSplit(a, o, e) }, args...)
}

type splitOut struct {
	Parts []struct {
		N     int    `json:"n"`
		Due   string `json:"due"`
		Total string `json:"total"`
		VAT   string `json:"vat"`
		Lines []struct {
			Name     string `json:"name"`
			Quantity string `json:"quantity"`
			Amount   string `json:"amount"`
			VAT      string `json:"vat"`
		} `json:"lines"`
	} `json:"parts"`
}

var mixedLines = []string{
	"--line", "Консультация:3:1000.00:20",
	"--line", "Лицензия: Pro:1:1000.01:22",
	"--line", "Книга:2:333.33:10",
	"--line", "Доставка:1:100:none",
}

func TestSplitJSONMixedVAT(t *testing.T) {
	t.Parallel()
	r := splitCmd(append(mixedLines, "--parts", "3", "--first", "2025-01-31", "--period", "month", "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	var out splitOut
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	require.Len(t, out.Parts, 3)
	require.Equal(t, []string{"2025-01-31", "2025-02-28", "2025-03-31"},
		[]string{out.Parts[0].Due, out.Parts[1].Due, out.Parts[2].Due})

	// Per line: amounts and VAT across parts add up to the line's gross and VAT.
	wantGross := map[string]string{"Консультация": "3000.00", "Лицензия: Pro": "1000.01", "Книга": "666.66", "Доставка": "100.00"}
	wantVAT := map[string]string{"Консультация": "500.00", "Лицензия: Pro": "180.33", "Книга": "60.61", "Доставка": "0.00"}
	gross, vat := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, p := range out.Parts {
		total, pv := decimal.Zero, decimal.Zero
		for _, l := range p.Lines {
			a, v := decimal.RequireFromString(l.Amount), decimal.RequireFromString(l.VAT)
			gross[l.Name], vat[l.Name] = gross[l.Name].Add(a), vat[l.Name].Add(v)
			total, pv = total.Add(a), pv.Add(v)
		}
		require.Equal(t, p.Total, total.StringFixed(2), "part %d total is the sum of its lines", p.N)
		require.Equal(t, p.VAT, pv.StringFixed(2))
		require.Equal(t, "1588.89", p.Total)
	}
	for name := range wantGross {
		require.Equal(t, wantGross[name], gross[name].StringFixed(2), name)
		require.Equal(t, wantVAT[name], vat[name].StringFixed(2), name)
	}
	require.Equal(t, "3", out.Parts[0].Lines[0].Quantity)
}

func TestSplitHumanOutput(t *testing.T) {
	t.Parallel()
	r := splitCmd(append(mixedLines, "--parts", "2", "--first", "2025-01-31")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Invoice 1 of 2, due 2025-01-31: 2\u00a0383,34\u00a0₽")
	require.Contains(t, r.stdout, "no VAT")
	require.Contains(t, r.stdout, "20%: 250,00\u00a0₽")
}

func TestSplitBadInputNamesTheFlag(t *testing.T) {
	t.Parallel()
	ok := []string{"--parts", "2", "--first", "2025-01-31"}
	line := func(l string, rest ...string) []string { return append([]string{"--line", l}, rest...) }
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"NoLines", ok, "-line"},
		{"LineWithoutVAT", line("A:1:100", ok...), "-line"},
		{"LineBadQuantity", line("A:x:100:20", ok...), "-line"},
		{"LineBadPrice", line("A:1:сто:20", ok...), "-line"},
		{"LineUnknownVAT", line("A:1:100:18", ok...), "-line"},
		{"LineEmptyName", line(":1:100:20", ok...), "-line"},
		{"LinePriceTooPrecise", line("A:1:100.001:20", ok...), "-line"},
		{"MissingParts", line("A:1:100:20", "--first", "2025-01-31"), "-parts"},
		{"ZeroParts", line("A:1:100:20", "--parts", "0", "--first", "2025-01-31"), "-parts"},
		{"MorePartsThanKopecks", line("A:1:0.01:20", "--parts", "2", "--first", "2025-01-31"), "-parts"},
		{"MissingFirst", line("A:1:100:20", "--parts", "2"), "-first"},
		{"BadFirst", line("A:1:100:20", "--parts", "2", "--first", "31.01.2025"), "-first"},
		{"BadPeriod", line("A:1:100:20", append(ok, "--period", "decade")...), "-period"},
		{"UnknownCurrency", line("A:1:100:20", append(ok, "--currency", "XXX")...), "-currency"},
		{"UnknownFlag", line("A:1:100:20", append(ok, "--vat", "20")...), "-vat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := splitCmd(tt.args...)
			require.Equal(t, 2, r.code)
			require.Empty(t, r.stdout)
			require.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
			require.Contains(t, r.stderr, tt.flag)
		})
	}
}
