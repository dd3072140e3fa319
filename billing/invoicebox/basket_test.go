package invoicebox

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func serviceLine(price string, code VATCode) Line {
	return Line{
		SKU: "INST-1", Name: "Платёж по графику № 1", UnitPrice: dec(price), VATCode: code,
		Type: ItemService, PaymentType: PaymentFullPrepayment,
	}
}

func TestPriceLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		price, qty           string
		code                 VATCode
		total, vat, unitWoVA string
	}{
		{"ReferenceExampleVAT22", "12200.00", "1", VAT22, "12200", "2200", "10000"},
		{"VAT20OneThousand", "1000", "1", VAT20, "1000", "166.67", "833.33"},
		{"HalfKopeckRoundsUp", "99.99", "1", VAT20, "99.99", "16.67", "83.32"},
		{"ThreeUnitsNetPerUnitRounded", "33.33", "3", VAT20, "99.99", "16.67", "27.77"},
		{"NoVAT", "2790.67", "1", VATNone, "2790.67", "0", "2790.67"},
		{"ZeroRate", "500", "2", VAT0, "1000", "0", "500"},
		{"VAT10", "110", "1", VAT10, "110", "10", "100"},
		{"FractionalQuantityWholeKopecks", "100", "1.5", VAT22, "150", "27.05", "81.97"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := serviceLine(tt.price, tt.code)
			l.Quantity = dec(tt.qty)
			priced, totals, err := PriceLines([]Line{l})
			require.NoError(t, err)
			require.Len(t, priced, 1)
			require.True(t, dec(tt.total).Equal(priced[0].Total), "total %s", priced[0].Total)
			require.True(t, dec(tt.vat).Equal(priced[0].VAT), "vat %s", priced[0].VAT)
			require.True(t, dec(tt.unitWoVA).Equal(priced[0].UnitPriceWoVAT), "net %s", priced[0].UnitPriceWoVAT)
			require.True(t, totals.Amount.Equal(priced[0].Total))
			require.True(t, totals.VAT.Equal(priced[0].VAT))
		})
	}
}

func TestPriceLinesTotalsAreExactSums(t *testing.T) {
	t.Parallel()
	lines := []Line{serviceLine("3333.33", VAT22), serviceLine("3333.33", VAT22), serviceLine("3333.34", VAT20)}
	priced, totals, err := PriceLines(lines)
	require.NoError(t, err)
	sum, vat := decimal.Zero, decimal.Zero
	for _, p := range priced {
		sum, vat = sum.Add(p.Total), vat.Add(p.VAT)
	}
	require.True(t, dec("10000").Equal(totals.Amount))
	require.True(t, sum.Equal(totals.Amount))
	require.True(t, vat.Equal(totals.VAT))
	require.Equal(t, "1757.74", totals.VAT.StringFixed(2)) // 601.09 + 601.09 + 555.56
}

func TestPriceLinesRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*Line)
		field string
	}{
		{"TotalNotWholeKopecks", func(l *Line) { l.UnitPrice, l.Quantity = dec("100.01"), dec("0.333") }, "lines[0].quantity"},
		{"UnsupportedAddedVAT", func(l *Line) { l.VATCode = "RUS_VAT22_ADDED" }, "lines[0].vatCode"},
		{"NegativePrice", func(l *Line) { l.UnitPrice = dec("-1") }, "lines[0].unitPrice"},
		{"ZeroPrice", func(l *Line) { l.UnitPrice = decimal.Zero }, "lines[0].unitPrice"},
		{"PriceWithThreeDecimals", func(l *Line) { l.UnitPrice = dec("1.005") }, "lines[0].unitPrice"},
		{"EmptyName", func(l *Line) { l.Name = " " }, "lines[0].name"},
		{"UnknownType", func(l *Line) { l.Type = "goods" }, "lines[0].type"},
		{"UnknownPaymentType", func(l *Line) { l.PaymentType = "credit" }, "lines[0].paymentType"},
		{"BadServiceDate", func(l *Line) { l.ServiceDate = "01.12.2026" }, "lines[0].serviceDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := serviceLine("100", VAT22)
			tt.edit(&l)
			_, _, err := PriceLines([]Line{l})
			require.ErrorIs(t, err, ErrInvalidInput)
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, tt.field, ie.Field)
		})
	}
}

func TestOrderInputAmountMustMatchLines(t *testing.T) {
	t.Parallel()
	in := validOrderInput("PAY-1", time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	in.Amount = dec("12200.01")
	var ie *InputError
	require.ErrorAs(t, in.Validate(), &ie)
	require.Equal(t, "amount", ie.Field)
}

func TestExpirationDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 500, time.FixedZone("MSK", 3*3600))
	tests := []struct {
		name    string
		limit   time.Duration
		trusted bool
		ok      bool
	}{
		{"OneMinuteIsTheMinimum", time.Minute, false, true},
		{"BelowOneMinute", 59 * time.Second, false, false},
		{"SevenDaysUntrusted", 7 * 24 * time.Hour, false, true},
		{"EightDaysUntrustedRefused", 8 * 24 * time.Hour, false, false},
		{"ThirtyDaysTrusted", 30 * 24 * time.Hour, true, true},
		{"ThirtyOneDaysTrustedRefused", 31 * 24 * time.Hour, true, false},
		{"TrustedStillNeedsOneMinute", 30 * time.Second, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ExpirationDate(now, tt.limit, tt.trusted, DefaultMaxTimeLimit)
			if !tt.ok {
				require.ErrorIs(t, err, ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, time.UTC, got.Location())
			require.Equal(t, now.Add(tt.limit).Truncate(time.Second).Unix(), got.Unix())
		})
	}
}

func TestExpirationDateFormatIsAtom(t *testing.T) {
	t.Parallel()
	require.Equal(t, "2026-11-30T21:00:00+00:00", formatTime(time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("MSK", 3*3600))))
}

func TestExpirationDateNeedsAClock(t *testing.T) {
	t.Parallel()
	_, err := ExpirationDate(time.Time{}, time.Hour, false, DefaultMaxTimeLimit)
	require.ErrorIs(t, err, ErrInvalidInput)
}

func FuzzPriceLines(f *testing.F) {
	f.Add(int64(1220000), int64(1), uint8(0))
	f.Add(int64(9999), int64(3), uint8(1))
	f.Add(int64(1), int64(7), uint8(4))
	f.Add(int64(-5), int64(0), uint8(9))
	codes := []VATCode{VAT22, VAT20, VAT10, VAT7, VAT5, VAT0, VATNone}
	f.Fuzz(func(t *testing.T, kopecks, qty int64, code uint8) {
		l := serviceLine("1", codes[int(code)%len(codes)])
		l.UnitPrice, l.Quantity = decimal.New(kopecks, -2), decimal.NewFromInt(qty)
		priced, totals, err := PriceLines([]Line{l, l})
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInput)
			return
		}
		p := priced[0]
		require.True(t, p.Total.Equal(p.UnitPrice.Mul(p.Quantity)))
		require.False(t, p.VAT.IsNegative())
		require.True(t, p.VAT.LessThanOrEqual(p.Total))
		exact := p.UnitPrice.Sub(p.VAT.Div(p.Quantity))
		require.True(t, exact.Sub(p.UnitPriceWoVAT).Abs().LessThanOrEqual(dec("0.005")))
		require.True(t, totals.Amount.Equal(p.Total.Add(priced[1].Total)))
		require.True(t, totals.VAT.Equal(p.VAT.Add(priced[1].VAT)))
	})
}
