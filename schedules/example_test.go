package schedules_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

func ExampleBuild() {
	first, _ := schedules.ParseDate("2025-01-31")
	s, err := schedules.Build(schedules.Plan{
		Scheme:   schedules.Equal,
		Total:    decimal.RequireFromString("10060.00"),
		Currency: "RUB",
		Count:    7,
		Period:   schedules.Period{Unit: schedules.Month, Every: 1},
		First:    first,
	})
	if err != nil {
		panic(err)
	}
	for _, p := range s.Payments[:4] {
		fmt.Println(p.N, p.Due, s.Currency.FromMinor(p.AmountMinor).StringFixed(2))
	}
	// Output:
	// 1 2025-01-31 1437.15
	// 2 2025-02-28 1437.15
	// 3 2025-03-31 1437.14
	// 4 2025-04-30 1437.14
}

func ExampleAllocate() {
	jan, _ := schedules.ParseDate("2025-01-31")
	feb, _ := schedules.ParseDate("2025-02-28")
	open := []schedules.Open{
		{Seq: 1, Due: jan, Amount: decimal.NewFromInt(1000)},
		{Seq: 2, Due: feb, Amount: decimal.NewFromInt(1000)},
	}
	a := schedules.Allocate(open, decimal.NewFromInt(1500))
	for _, ap := range a.Applied {
		fmt.Println(ap.Seq, ap.Received, ap.Status)
	}
	fmt.Println("overpayment", a.Overpayment)
	// Output:
	// 1 1000 paid
	// 2 500 partly_paid
	// overpayment 0
}

func ExampleValidationErrors() {
	err := schedules.Plan{Scheme: schedules.Equal, Total: decimal.RequireFromString("100.001"), Currency: "RUB"}.Validate()
	for _, e := range err.(schedules.ValidationErrors) {
		fmt.Println(e.Field, e.Code, "—", schedules.MessageRU(e))
	}
	// Output:
	// total too_precise — сумма: слишком много знаков после запятой для этой валюты
	// first required — дата первого платежа: обязательное поле
	// period unknown — период: неизвестное значение
	// count required — число платежей: обязательное поле
}
