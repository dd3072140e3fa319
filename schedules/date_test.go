package schedules

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"Plain", "2025-01-31", true},
		{"LeapDay", "2024-02-29", true},
		{"LeapDayInCommonYear", "2025-02-29", false},
		{"ThirtiethOfFebruary", "2024-02-30", false},
		{"NoPadding", "2025-1-31", false},
		{"WithTime", "2025-01-31T00:00:00Z", false},
		{"Empty", "", false},
		{"Month13", "2025-13-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDate(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, ErrBadDate)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.in, d.String())
			require.True(t, d.Valid())
		})
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	type row struct {
		Due  Date `json:"due"`
		Paid Date `json:"paid"`
	}
	b, err := json.Marshal(row{Due: NewDate(2025, time.March, 1)})
	require.NoError(t, err)
	require.JSONEq(t, `{"due":"2025-03-01","paid":null}`, string(b))

	var back row
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, NewDate(2025, time.March, 1), back.Due)
	require.True(t, back.Paid.IsZero())

	require.ErrorIs(t, json.Unmarshal([]byte(`{"due":"2025-02-30"}`), &back), ErrBadDate)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"due":20250301}`), &back), ErrBadDate)
}

func TestDateCompareAndDays(t *testing.T) {
	t.Parallel()
	a, b := date(t, "2024-12-31"), date(t, "2025-01-01")
	require.True(t, a.Before(b))
	require.True(t, b.After(a))
	require.Equal(t, 0, a.Compare(a))
	require.Equal(t, b, a.AddDays(1))
	require.Equal(t, date(t, "2024-03-01"), date(t, "2024-02-28").AddDays(2))
	require.Equal(t, time.Wednesday, b.Weekday())
}

func TestDaysInAgreesWithTimePackage(t *testing.T) {
	t.Parallel()
	for y := 1; y <= 9999; y++ {
		for m := time.January; m <= time.December; m++ {
			if want := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); daysIn(y, m) != want {
				t.Fatalf("%04d-%02d: %d days, want %d", y, m, daysIn(y, m), want)
			}
		}
	}
}
