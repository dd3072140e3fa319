package schedules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func threeInstalments(t *testing.T) []Open {
	return []Open{
		{Seq: 1, Due: date(t, "2025-01-31"), Amount: dec("1000")},
		{Seq: 2, Due: date(t, "2025-02-28"), Amount: dec("1000")},
		{Seq: 3, Due: date(t, "2025-03-31"), Amount: dec("1000")},
	}
}

func TestAllocate(t *testing.T) {
	t.Parallel()
	type applied struct {
		seq            int
		received, left string
		status         Status
	}
	tests := []struct {
		name        string
		open        func(t *testing.T) []Open
		payment     string
		want        []applied
		overpayment string
	}{
		{"OneAndAHalfInstalments", threeInstalments, "1500",
			[]applied{{1, "1000", "0", StatusPaid}, {2, "500", "500", StatusPartlyPaid}}, "0"},
		{"MoreThanTheWholeDebt", threeInstalments, "3250.50",
			[]applied{{1, "1000", "0", StatusPaid}, {2, "1000", "0", StatusPaid}, {3, "1000", "0", StatusPaid}}, "250.50"},
		{"ExactlyOne", threeInstalments, "1000", []applied{{1, "1000", "0", StatusPaid}}, "0"},
		{"PartlyPaidFirstIsFilledFirst", func(t *testing.T) []Open {
			o := threeInstalments(t)
			o[0].Paid = dec("400")
			return o
		}, "700", []applied{{1, "600", "0", StatusPaid}, {2, "100", "900", StatusPartlyPaid}}, "0"},
		{"OldestByDueDateNotByInputOrder", func(t *testing.T) []Open {
			o := threeInstalments(t)
			o[0], o[2] = o[2], o[0]
			return o
		}, "1200", []applied{{1, "1000", "0", StatusPaid}, {2, "200", "800", StatusPartlyPaid}}, "0"},
		{"PaidInstalmentsAreSkipped", func(t *testing.T) []Open {
			o := threeInstalments(t)
			o[0].Paid = dec("1000")
			return o
		}, "1000", []applied{{2, "1000", "0", StatusPaid}}, "0"},
		{"NothingOpenIsAllOverpayment", func(*testing.T) []Open { return nil }, "10", nil, "10"},
		{"ZeroPayment", threeInstalments, "0", nil, "0"},
		{"NegativePaymentAllocatesNothing", threeInstalments, "-5", nil, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := tt.open(t)
			before := append([]Open(nil), open...)
			a := Allocate(open, dec(tt.payment))
			require.Equal(t, before, open, "input must not change")
			require.Len(t, a.Applied, len(tt.want))
			for i, w := range tt.want {
				got := a.Applied[i]
				require.Equal(t, w.seq, got.Seq)
				require.True(t, dec(w.received).Equal(got.Received), "received %s", got.Received)
				require.True(t, dec(w.left).Equal(got.Outstanding), "outstanding %s", got.Outstanding)
				require.Equal(t, w.status, got.Status)
			}
			require.True(t, dec(tt.overpayment).Equal(a.Overpayment), "overpayment %s", a.Overpayment)
		})
	}
}
