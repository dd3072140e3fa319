package sbp_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

func TestKopecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rubles  string
		want    int64
		wantErr bool
	}{
		{"Whole", "1500", 150000, false},
		{"WithKopecks", "1500.50", 150050, false},
		{"OneKopeck", "0.01", 1, false},
		{"Negative", "-2.5", -250, false},
		{"FractionOfKopeck", "0.005", 0, true},
		{"Absurd", "1e30", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := sbp.Kopecks(decimal.RequireFromString(tt.rubles))
			if tt.wantErr {
				require.ErrorIs(t, err, sbp.ErrWrongAmount)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.True(t, decimal.RequireFromString(tt.rubles).Equal(sbp.FromKopecks(got)))
		})
	}
}
