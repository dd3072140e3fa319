package schedules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSpreadEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		total string
		n     int
		minor int32
		want  []string
	}{
		{"IssueExampleEarliestGetTheKopecks", "10060.00", 7, 2,
			[]string{"1437.15", "1437.15", "1437.14", "1437.14", "1437.14", "1437.14", "1437.14"}},
		{"Exact", "300.00", 3, 2, []string{"100.00", "100.00", "100.00"}},
		{"OneKopeckPerPart", "0.03", 3, 2, []string{"0.01", "0.01", "0.01"}},
		{"HundredInThree", "100.00", 3, 2, []string{"33.34", "33.33", "33.33"}},
		{"YenHasNoMinorUnits", "1000", 3, 0, []string{"334", "333", "333"}},
		{"DinarHasThree", "1.000", 3, 3, []string{"0.334", "0.333", "0.333"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := spreadEqual(dec(tt.total), tt.n, tt.minor)
			require.Len(t, got, len(tt.want))
			for i := range got {
				require.True(t, dec(tt.want[i]).Equal(got[i]), "part %d: want %s got %s", i, tt.want[i], got[i])
			}
		})
	}
}

func TestSpreadWeighted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		total   string
		weights []string
		want    []string
	}{
		{"ThirtySeventy", "10060.00", []string{"30", "70"}, []string{"3018.00", "7042.00"}},
		{"ThirdsEarliestGetTheKopeck", "100.00", []string{"33.333333", "33.333333", "33.333334"},
			[]string{"33.34", "33.33", "33.33"}},
		{"LeftoverGoesToEarliestNotLargest", "0.10", []string{"15", "15", "70"},
			[]string{"0.02", "0.01", "0.07"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := spreadWeighted(dec(tt.total), decs(tt.weights...), 2)
			requireDecimals(t, decs(tt.want...), got)
		})
	}
}
