package schedules

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func validEqual(t *testing.T) Plan {
	return Plan{Scheme: Equal, Total: dec("10060"), Currency: "RUB", Count: 7, Period: monthly(), First: date(t, "2025-01-31")}
}

func TestValidatePlan(t *testing.T) {
	t.Parallel()
	custom := func(rows ...Row) Plan {
		return Plan{Scheme: Custom, Total: dec("10060"), Currency: "RUB", Rows: rows}
	}
	row := func(d, amount, pct string) Row {
		r := Row{Due: date(t, d)}
		if amount != "" {
			r.Amount = dec(amount)
		}
		if pct != "" {
			r.Percent = dec(pct)
		}
		return r
	}
	tests := []struct {
		name   string
		edit   func(p *Plan)
		plan   *Plan
		field  string
		code   Code
		row    int
		diff   string
		others int // further errors expected besides the named one
	}{
		{name: "UnknownCurrency", edit: func(p *Plan) { p.Currency = "RUR" }, field: "currency", code: CodeUnknown},
		{name: "MissingCurrency", edit: func(p *Plan) { p.Currency = "" }, field: "currency", code: CodeRequired},
		{name: "UnknownScheme", edit: func(p *Plan) { p.Scheme = "balloon" }, field: "scheme", code: CodeUnknown},
		{name: "ZeroTotal", edit: func(p *Plan) { p.Total = dec("0") }, field: "total", code: CodeOutOfRange},
		{name: "TotalAboveTrillion", edit: func(p *Plan) { p.Total = dec("1000000000000.01") }, field: "total", code: CodeOutOfRange},
		{name: "TotalWithThreeDecimalsInRubles", edit: func(p *Plan) { p.Total = dec("10.005") }, field: "total", code: CodeTooPrecise},
		{name: "YenWithKopecks", edit: func(p *Plan) { p.Currency = "JPY"; p.Total = dec("100.5") }, field: "total", code: CodeTooPrecise},
		{name: "CountAbove600", edit: func(p *Plan) { p.Count = 601 }, field: "count", code: CodeOutOfRange},
		{name: "NeitherCountNorTerm", edit: func(p *Plan) { p.Count = 0 }, field: "count", code: CodeRequired},
		{name: "CountAndTerm", edit: func(p *Plan) { p.Term = Term{12, Month} }, field: "term", code: CodeConflict},
		{name: "TermNotWholePeriods", edit: func(p *Plan) { p.Count = 0; p.Term = Term{7, Month}; p.Period = Period{Quarter, 1} }, field: "term", code: CodeNotWhole},
		{name: "TermAbove600Periods", edit: func(p *Plan) { p.Count = 0; p.Term = Term{51, Year} }, field: "term", code: CodeOutOfRange},
		{name: "UnknownPeriod", edit: func(p *Plan) { p.Period = Period{"fortnight", 1} }, field: "period", code: CodeUnknown},
		{name: "EveryZero", edit: func(p *Plan) { p.Period.Every = 0 }, field: "every", code: CodeOutOfRange},
		{name: "NoFirstDate", edit: func(p *Plan) { p.First = Date{} }, field: "first", code: CodeRequired},
		{name: "LastDateAfterYear9999", edit: func(p *Plan) { p.First = NewDate(9999, 1, 31); p.Count = 600 }, field: "first", code: CodeOutOfRange},
		{name: "ImpossibleFirstDate", edit: func(p *Plan) { p.First = NewDate(2025, 2, 30) }, field: "first", code: CodeInvalid},
		{name: "FirstDateInYear1", edit: func(p *Plan) { p.First = NewDate(1, 1, 1) }, field: "first", code: CodeOutOfRange},
		{name: "DownPaymentDueAfterFirstInstalment", edit: func(p *Plan) {
			p.Down = DownPayment{Amount: dec("1000"), Due: date(t, "2025-02-01")}
		}, field: "down.due", code: CodeOutOfRange},
		{name: "DownPaymentDueWithoutDownPayment", edit: func(p *Plan) { p.Down.Due = date(t, "2025-01-10") }, field: "down.due", code: CodeNotAllowed},
		{name: "DownPaymentDueImpossible", edit: func(p *Plan) { p.Down = DownPayment{Amount: dec("1000"), Due: NewDate(2025, 2, 30)} },
			field: "down.due", code: CodeInvalid},
		{name: "DownPaymentDueInFullPayment", edit: func(p *Plan) { p.Scheme, p.Count, p.Down.Due = Full, 0, date(t, "2025-01-10") },
			field: "down", code: CodeNotAllowed},
		{name: "CustomRowInYear1", plan: &Plan{Scheme: Custom, Total: dec("100"), Currency: "RUB",
			Rows: []Row{{Due: NewDate(1, 3, 1), Percent: dec("100")}}}, field: "rows.due", code: CodeOutOfRange, row: 1},
		{name: "AnnuityPayableAboveMaxTotal", edit: func(p *Plan) {
			p.Scheme, p.Total, p.Count, p.AnnualRate = Annuity, MaxTotal, 600, MaxRate
		}, field: "total", code: CodeOutOfRange},
		{name: "DifferentiatedPayableAboveMaxTotal", edit: func(p *Plan) {
			p.Scheme, p.Total, p.Count, p.AnnualRate = Differentiated, dec("900000000000"), 24, dec("100")
		}, field: "total", code: CodeOutOfRange},
		{name: "DownEqualsTotal", edit: func(p *Plan) { p.Down.Amount = dec("10060") }, field: "down", code: CodeOutOfRange},
		{name: "DownHundredPercent", edit: func(p *Plan) { p.Down.Percent = dec("100") }, field: "down", code: CodeOutOfRange},
		{name: "DownAmountAndPercent", edit: func(p *Plan) { p.Down = DownPayment{Amount: dec("1"), Percent: dec("1")} }, field: "down", code: CodeConflict},
		{name: "DownTooPrecise", edit: func(p *Plan) { p.Down.Amount = dec("1.001") }, field: "down", code: CodeTooPrecise},
		{name: "DownLeavesLessThanAKopeckPerPart", edit: func(p *Plan) { p.Down.Amount = dec("10059.95") }, field: "total", code: CodeTooSmall},
		{name: "FiveKopecksInSixParts", edit: func(p *Plan) { p.Total = dec("0.05"); p.Count = 6 }, field: "total", code: CodeTooSmall},
		{name: "DownOnFullPlan", edit: func(p *Plan) { p.Scheme = Full; p.Down.Amount = dec("1") }, field: "down", code: CodeNotAllowed},
		{name: "NegativeRate", edit: func(p *Plan) { p.Scheme = Annuity; p.AnnualRate = dec("-1") }, field: "rate", code: CodeOutOfRange},
		{name: "AnnuityTooSmallForRateAndTerm", edit: func(p *Plan) {
			p.Scheme, p.Total, p.Count, p.Period, p.AnnualRate = Annuity, dec("0.86"), 18, Period{Quarter, 1}, dec("99.99")
		}, field: "total", code: CodeTooSmall},
		{name: "CustomWithoutRows", plan: ptr(custom()), field: "rows", code: CodeRequired},
		{name: "CustomAmountsShortByAKopeck",
			plan:  ptr(custom(row("2025-02-01", "3000", ""), row("2025-03-01", "7059.99", ""))),
			field: "rows.amount", code: CodeSumMismatch, row: 2, diff: "-0.01"},
		{name: "CustomAmountsOverByHundred",
			plan:  ptr(custom(row("2025-02-01", "3100", ""), row("2025-03-01", "7060", ""))),
			field: "rows.amount", code: CodeSumMismatch, row: 2, diff: "100"},
		{name: "CustomPercentsSumTo99",
			plan:  ptr(custom(row("2025-02-01", "", "30"), row("2025-03-01", "", "69"))),
			field: "rows.percent", code: CodeSumMismatch, row: 2, diff: "-1"},
		{name: "CustomDatesNotIncreasing",
			plan:  ptr(custom(row("2025-03-01", "3000", ""), row("2025-03-01", "7060", ""))),
			field: "rows.due", code: CodeNotIncreasing, row: 2},
		{name: "CustomDatesGoingBack",
			plan:  ptr(custom(row("2025-03-01", "3000", ""), row("2025-04-01", "3000", ""), row("2025-02-01", "4060", ""))),
			field: "rows.due", code: CodeNotIncreasing, row: 3},
		{name: "CustomMixesAmountsAndPercents",
			plan:  ptr(custom(row("2025-02-01", "3018", ""), row("2025-03-01", "", "70"))),
			field: "rows", code: CodeMixedRows},
		{name: "CustomRowWithBoth",
			plan:  ptr(custom(row("2025-02-01", "3018", "30"), row("2025-03-01", "", "70"))),
			field: "rows.amount", code: CodeConflict, row: 1},
		{name: "CustomRowWithNeither",
			plan:  ptr(custom(row("2025-02-01", "", ""), row("2025-03-01", "10060", ""))),
			field: "rows.amount", code: CodeRequired, row: 1},
		{name: "CustomNegativeAmount",
			plan:  ptr(custom(row("2025-02-01", "-100", ""), row("2025-03-01", "10160", ""))),
			field: "rows.amount", code: CodeOutOfRange, row: 1},
		{name: "CustomPercentRowRoundsToZero",
			plan:  &Plan{Scheme: Custom, Total: dec("0.01"), Currency: "RUB", Rows: []Row{row("2025-02-01", "", "50"), row("2025-03-01", "", "50")}},
			field: "rows.percent", code: CodeTooSmall, row: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validEqual(t)
			if tt.plan != nil {
				p = *tt.plan
			} else {
				tt.edit(&p)
			}
			err := p.Validate()
			require.Error(t, err)
			e := requireCode(t, err, tt.field, tt.code)
			require.Equal(t, tt.row, e.Row)
			if tt.diff != "" {
				require.True(t, dec(tt.diff).Equal(e.Diff), "diff %s", e.Diff)
			}
			require.True(t, errors.Is(err, &ValidationError{Code: tt.code}))
			require.NotEmpty(t, MessageRU(e))
			_, buildErr := Build(p)
			require.Equal(t, err, buildErr)
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestValidateCollectsEveryError(t *testing.T) {
	t.Parallel()
	p := Plan{Scheme: Equal, Total: dec("-5"), Currency: "XXX", Period: Period{Month, 0}}
	var es ValidationErrors
	require.ErrorAs(t, p.Validate(), &es)
	fields := make([]string, len(es))
	for i, e := range es {
		fields[i] = e.Field
	}
	require.Equal(t, []string{"currency", "total", "first", "every", "count"}, fields)
	var one *ValidationError
	require.ErrorAs(t, p.Validate(), &one)
	require.Equal(t, "currency", one.Field)
}

func TestValidPlansPass(t *testing.T) {
	t.Parallel()
	require.NoError(t, validEqual(t).Validate())
	p := validEqual(t)
	p.Currency, p.Total = "KWD", dec("10.005")
	require.NoError(t, p.Validate())
}

func TestMessageRU(t *testing.T) {
	t.Parallel()
	e := &ValidationError{Field: "rows.amount", Code: CodeSumMismatch, Row: 2, Diff: dec("-0.01")}
	require.Equal(t, "сумма строки (строка 2): строки не сходятся с итогом: не хватает 0,01", MessageRU(e))
	e = &ValidationError{Field: "count", Code: CodeOutOfRange, Min: "1", Max: "600"}
	require.Equal(t, "число платежей: допустимо от 1 до 600", MessageRU(e))
	e = &ValidationError{Field: "rows.amount", Code: CodeSumMismatch, Diff: dec("40000")}
	require.Equal(t, "строки не сходятся с итогом: лишние 40\u202f000", ReasonRU(e))
	e = &ValidationError{Field: "down", Code: CodeOutOfRange, Min: "0.01", Max: "80000.12"}
	require.Equal(t, "допустимо от 0,01 до 80\u202f000,12", ReasonRU(e), "money bounds are grouped")
	e = &ValidationError{Field: "down", Code: CodeOutOfRange, Min: "0", Max: "100", Percent: true}
	require.Equal(t, "допустимо от 0\u00a0% до 100\u00a0%", ReasonRU(e))
	e = &ValidationError{Field: "first", Code: CodeOutOfRange, Min: "2000-01-01", Max: "9999-12-31"}
	require.Equal(t, "допустимо от 01.01.2000 до 31.12.9999", ReasonRU(e))
	e = &ValidationError{Field: "down.due", Code: CodeOutOfRange, Min: "1900-01-01", Max: "2027-01-15"}
	require.Equal(t, "дата первого взноса: не позже первого платежа — 15.01.2027", MessageRU(e))
	e = &ValidationError{Field: "amount", Code: CodeExceedsLeft, Diff: dec("-1234567.5")}
	require.Equal(t, "сумма больше остатка на −1\u202f234\u202f567,5", ReasonRU(e))
}
