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
	for in, want := range map[string]VATRate{"0": VAT0, "10": VAT10, "20%": VAT20, "22": VAT22, "none": VATNone, "Без НДС": VATNone} {
		got, err := ParseVATRate(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"18", "5", "abc", "-10"} {
		_, err := ParseVATRate(in)
		require.ErrorIs(t, err, ErrBadVATRate, in)
	}
}
