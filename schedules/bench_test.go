package schedules

import (
	"testing"

	"github.com/shopspring/decimal"
)

func BenchmarkBuildEqual12(b *testing.B) {
	p := Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 12, Period: Period{Month, 1},
		First: NewDate(2025, 1, 31), BusinessDays: true}
	for b.Loop() {
		if _, err := Build(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnnuity360(b *testing.B) {
	p := Plan{Scheme: Annuity, Total: dec("3000000"), Currency: "RUB", Count: 360, Period: Period{Month, 1},
		First: NewDate(2025, 1, 31), AnnualRate: dec("10.5")}
	for b.Loop() {
		if _, err := Build(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplit50Lines(b *testing.B) {
	rates := []VATRate{VAT20, VAT22, VAT10, VAT0, VATNone}
	inv := Invoice{Currency: "RUB"}
	for i := range 50 {
		inv.Lines = append(inv.Lines, Line{Name: "line", Quantity: decimal.NewFromInt(int64(i%7 + 1)),
			Price: decimal.New(int64(12345+i*1001), -2), VAT: rates[i%len(rates)]})
	}
	for b.Loop() {
		if _, err := Split(inv, 6, NewDate(2025, 1, 31), Period{Month, 1}); err != nil {
			b.Fatal(err)
		}
	}
}
