package schedules

import (
	"github.com/shopspring/decimal"
	"testing"

	"github.com/stretchr/testify/require"
)

func fourInstalments(t *testing.T) []Open {
	return []Open{
		{Seq: 1, Due: date(t, "2025-01-31"), Amount: dec("2515"), Paid: dec("2515")},
		{Seq: 2, Due: date(t, "2025-02-28"), Amount: dec("2515")},
		{Seq: 3, Due: date(t, "2025-03-31"), Amount: dec("2515")},
		{Seq: 4, Due: date(t, "2025-04-30"), Amount: dec("2515")},
	}
}

func TestRebalance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    Edit
		amounts []string
		dates   []string
	}{
		{"RaiseOneOthersShareTheRest", Edit{Seq: 2, Amount: dec("5000")},
			[]string{"2515", "5000", "1272.50", "1272.50"}, nil},
		{"LowerOneEarliestGetTheExtraKopeck", Edit{Seq: 3, Amount: dec("1000.01")},
			[]string{"2515", "3272.50", "1000.01", "3272.49"}, nil},
		{"MoveADateKeepsAmounts", Edit{Seq: 3, Due: date(t, "2025-04-15")},
			[]string{"2515", "2515", "2515", "2515"},
			[]string{"2025-01-31", "2025-02-28", "2025-04-15", "2025-04-30"}},
		{"AmountLeavingOneKopeckEach", Edit{Seq: 4, Amount: dec("7544.98")},
			[]string{"2515", "0.01", "0.01", "7544.98"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Rebalance(fourInstalments(t), tt.edit, "RUB")
			require.NoError(t, err)
			sum := dec("0")
			for _, o := range got {
				sum = sum.Add(o.Amount)
			}
			requireDecimals(t, decs(tt.amounts...), decsOf(got))
			require.Equal(t, "10060.00", sum.StringFixed(2))
			if tt.dates != nil {
				for i, o := range got {
					require.Equal(t, tt.dates[i], o.Due.String())
				}
			}
		})
	}
}

func decsOf(os []Open) []decimal.Decimal {
	out := make([]decimal.Decimal, len(os))
	for i, o := range os {
		out[i] = o.Amount
	}
	return out
}

// Frozen instalments (invoiced, being paid, the down payment) keep their amounts: the difference
// goes to the free ones only.
func TestRebalanceSpreadsOnlyOverFreeInstalments(t *testing.T) {
	t.Parallel()
	items := fourInstalments(t)
	items[2].Frozen = true
	got, err := Rebalance(items, Edit{Seq: 2, Amount: dec("2000")}, "RUB")
	require.NoError(t, err)
	want := []string{"2515", "2000", "2515", "3030"}
	for i, o := range got {
		require.True(t, dec(want[i]).Equal(o.Amount), "seq %d: %s", o.Seq, o.Amount)
	}
	require.True(t, got[2].Frozen)
}

func TestRebalanceRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		items    func(t *testing.T) []Open
		edit     Edit
		currency string
		field    string
		code     Code
		diff     string
	}{
		{"AmountExceedsWhatIsLeft", fourInstalments, Edit{Seq: 2, Amount: dec("7545")}, "RUB", "amount", CodeExceedsLeft, "0.02"},
		{"PaidInstalment", fourInstalments, Edit{Seq: 1, Amount: dec("100")}, "RUB", "seq", CodeAlreadyPaid, ""},
		{"UnknownInstalment", fourInstalments, Edit{Seq: 9, Amount: dec("100")}, "RUB", "seq", CodeNotFound, ""},
		{"DateBeforePrevious", fourInstalments, Edit{Seq: 3, Due: date(t, "2025-02-28")}, "RUB", "due", CodeNotIncreasing, ""},
		{"DateAfterNext", fourInstalments, Edit{Seq: 2, Due: date(t, "2025-05-01")}, "RUB", "due", CodeNotIncreasing, ""},
		{"NegativeAmount", fourInstalments, Edit{Seq: 2, Amount: dec("-1")}, "RUB", "amount", CodeOutOfRange, ""},
		{"TooPrecise", fourInstalments, Edit{Seq: 2, Amount: dec("1.001")}, "RUB", "amount", CodeTooPrecise, ""},
		{"UnknownCurrency", fourInstalments, Edit{Seq: 2, Amount: dec("1")}, "XYZ", "currency", CodeUnknown, ""},
		{"LastUnpaidCannotChangeAlone", func(t *testing.T) []Open {
			o := fourInstalments(t)
			o[1].Paid, o[2].Paid = dec("2515"), dec("100")
			return o
		}, Edit{Seq: 4, Amount: dec("2000")}, "RUB", "amount", CodeNoneFree, "-515"},
		{"FrozenInstalment", func(t *testing.T) []Open {
			o := fourInstalments(t)
			o[1].Frozen = true
			return o
		}, Edit{Seq: 2, Due: date(t, "2025-03-01")}, "RUB", "seq", CodeFrozen, ""},
		{"OthersFrozenOrPaid", func(t *testing.T) []Open {
			o := fourInstalments(t)
			o[1].Frozen, o[3].Frozen = true, true
			return o
		}, Edit{Seq: 3, Amount: dec("3000")}, "RUB", "amount", CodeNoneFree, "485"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Rebalance(tt.items(t), tt.edit, tt.currency)
			e := requireCode(t, err, tt.field, tt.code)
			if tt.diff != "" {
				require.True(t, dec(tt.diff).Equal(e.Diff), "diff %s", e.Diff)
			}
		})
	}
}
