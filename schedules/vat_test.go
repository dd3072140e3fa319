package schedules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVATIncluded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		gross string
		rate  VATRate
		want  string
	}{
		{"Twenty", "120.00", VAT20, "20.00"},
		{"TwentyTwo", "12200.00", VAT22, "2200.00"},
		{"TenRoundsHalfUp", "0.11", VAT10, "0.01"},         // 0.01
		{"TwentyRoundsDown", "100.00", VAT20, "16.67"},     // 16.6666…
		{"TwentyExactHalfRoundsUp", "0.03", VAT20, "0.01"}, // 0.005 → 0.01
		{"TwentyTwoBelowHalf", "0.02", VAT22, "0.00"},      // 0.0036…
		{"Zero", "1000.00", VAT0, "0.00"},
		{"None", "1000.00", VATNone, "0.00"},
		{"Five", "1050.00", VAT5, "50.00"},
		{"Seven", "1070.00", VAT7, "70.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := VATIncluded(dec(tt.gross), tt.rate, 2)
			require.Equal(t, tt.want, got.StringFixed(2))
		})
	}
}

func TestParseVATRate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]VATRate{"0": VAT0, "5": VAT5, "7%": VAT7, "10": VAT10, "20%": VAT20, "22": VAT22, "none": VATNone, "Без НДС": VATNone} {
		got, err := ParseVATRate(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"18", "6", "abc", "-10"} {
		_, err := ParseVATRate(in)
		require.ErrorIs(t, err, ErrBadVATRate, in)
	}
}

func TestVATRateListNamesEveryRate(t *testing.T) {
	t.Parallel()
	require.Equal(t, "0, 5, 7, 10, 20, 22 or none", VATRateList())
	for _, r := range VATRates {
		require.True(t, r.Valid(), r)
	}
}
