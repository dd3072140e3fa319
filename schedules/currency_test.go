package schedules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLookupCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code  string
		minor int32
	}{
		{"RUB", 2}, {"usd", 2}, {"EUR", 2}, {"KZT", 2}, {"BYN", 2}, {"CNY", 2}, {"UAH", 2},
		{"JPY", 0}, {"KWD", 3}, {"BHD", 3},
	}
	for _, tt := range tests {
		c, err := LookupCurrency(tt.code)
		require.NoError(t, err, tt.code)
		require.Equal(t, tt.minor, c.Minor, tt.code)
	}
	_, err := LookupCurrency("RUR")
	require.ErrorIs(t, err, ErrBadCurrency)
}

func TestCurrencyFormat(t *testing.T) {
	t.Parallel()
	rub, _ := LookupCurrency("RUB")
	jpy, _ := LookupCurrency("JPY")
	const nb = "\u00a0"
	tests := []struct {
		name  string
		c     Currency
		in    string
		human string
		plain string
	}{
		{"Thousands", rub, "1437.15", "1" + nb + "437,15" + nb + "₽", "1437.15"},
		{"Millions", rub, "10060000", "10" + nb + "060" + nb + "000,00" + nb + "₽", "10060000.00"},
		{"Small", rub, "0.5", "0,50" + nb + "₽", "0.50"},
		{"HundredsNoSeparator", rub, "999.99", "999,99" + nb + "₽", "999.99"},
		{"Yen", jpy, "1234567", "1" + nb + "234" + nb + "567" + nb + "¥", "1234567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.human, tt.c.Human(dec(tt.in)))
			require.Equal(t, tt.plain, tt.c.Plain(dec(tt.in)))
		})
	}
	require.True(t, rub.Fits(dec("1.10")))
	require.False(t, rub.Fits(dec("1.105")))
	require.False(t, jpy.Fits(dec("1.5")))
}
