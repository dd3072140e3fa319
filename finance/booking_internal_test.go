package finance

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/schedules"
)

func TestBookByScenario(t *testing.T) {
	t.Parallel()
	rub := currencyOf("RUB")
	monthly := schedules.Period{Unit: schedules.Month, Every: 1}
	d := decimal.RequireFromString
	cases := []struct {
		name string
		c    Contract
		prev *Booking
		want Booking
	}{
		{"LoanFirstPaymentOnlyPrincipalReducesDebt",
			Contract{Amount: d("1000"), Interest: d("200"), TotalDebt: d("5000"), Regular: true, Period: monthly,
				PayDate: schedules.NewDate(2027, 1, 31)},
			nil,
			Booking{Seq: 1, PrincipalMinor: 80000, InterestMinor: 20000, RemainingMinor: 420000, PaidTotalMinor: 100000,
				NextDate: "2027-02-28", Anchor: "2027-01-31"}},
		{"NextDateFromTheAnchorNotThePreviousDate",
			Contract{Amount: d("1000"), TotalDebt: d("5000"), Regular: true, Period: monthly, PayDate: schedules.NewDate(2027, 2, 28)},
			&Booking{Seq: 1, Anchor: "2027-01-31", RemainingMinor: 400000, PaidTotalMinor: 100000},
			Booking{Seq: 2, PrincipalMinor: 100000, RemainingMinor: 300000, PaidTotalMinor: 200000, NextDate: "2027-03-31", Anchor: "2027-01-31"}},
		{"LastPaymentAboveTheDebtRecordsTheExcessAndCloses",
			Contract{Amount: d("1000"), TotalDebt: d("5000"), Regular: true, Period: monthly, PayDate: schedules.NewDate(2027, 5, 31)},
			&Booking{Seq: 4, Anchor: "2027-01-31", RemainingMinor: 90000, PaidTotalMinor: 400000},
			Booking{Seq: 5, PrincipalMinor: 90000, ExcessMinor: 10000, PaidTotalMinor: 500000, Closed: true, Anchor: "2027-01-31"}},
		{"OneOffPaymentCloses",
			Contract{Amount: d("700"), TotalDebt: d("5000"), PayDate: schedules.NewDate(2027, 1, 10)},
			nil,
			Booking{Seq: 1, PrincipalMinor: 70000, RemainingMinor: 430000, PaidTotalMinor: 70000, Closed: true, Anchor: "2027-01-10"}},
		{"RentWithoutDebtKeepsGoing",
			Contract{Amount: d("300"), Regular: true, Period: schedules.Period{Unit: schedules.Quarter, Every: 1},
				PayDate: schedules.NewDate(2027, 1, 15)},
			nil,
			Booking{Seq: 1, PrincipalMinor: 30000, PaidTotalMinor: 30000, NextDate: "2027-04-15", Anchor: "2027-01-15"}},
		{"ItemsOwnCountsAndRemainingStartTheLedger",
			Contract{Amount: d("1000"), TotalDebt: d("5000"), Remaining: d("2000"), RemainSet: true, PaidTotal: d("3000"), Count: 3,
				Regular: true, Period: monthly, PayDate: schedules.NewDate(2027, 4, 30)},
			nil,
			Booking{Seq: 4, AnchorSeq: 3, PrincipalMinor: 100000, RemainingMinor: 100000, PaidTotalMinor: 400000,
				NextDate: "2027-05-30", Anchor: "2027-04-30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.Currency = rub
			got := book(tc.c, tc.prev)
			tc.want.PayDate, tc.want.Currency = tc.c.PayDate.String(), "RUB"
			tc.want.AmountMinor = minor(tc.c.Amount, rub)
			require.Equal(t, tc.want, got)
		})
	}
}
