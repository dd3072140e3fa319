package schedules

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// validateRows checks a custom plan: every row has a date and exactly one of
// amount or percentage, dates strictly increase, rows do not mix amounts and
// percentages, and the rows add up (amounts to the total, percentages to 100).
func validateRows(es *ValidationErrors, rows []Row, total decimal.Decimal, cur Currency, curOK bool) {
	if len(rows) == 0 {
		es.addCode("rows", CodeRequired)
		return
	}
	if len(rows) > MaxCount {
		es.add(&ValidationError{Field: "rows", Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxCount)})
		return
	}
	before := len(*es)
	validateRowDates(es, rows)
	byPercent, ok := validateRowValues(es, rows, cur, curOK)
	if !ok || len(*es) > before {
		return
	}
	if byPercent {
		validatePercentSum(es, rows, total, cur)
		return
	}
	validateAmountSum(es, rows, total)
}

func validateRowDates(es *ValidationErrors, rows []Row) {
	for i, r := range rows {
		switch {
		case r.Due.IsZero():
			es.add(&ValidationError{Field: "rows.due", Code: CodeRequired, Row: i + 1})
		case !r.Due.Valid():
			es.add(&ValidationError{Field: "rows.due", Code: CodeInvalid, Row: i + 1})
		case EarliestDue.After(r.Due):
			es.add(&ValidationError{Field: "rows.due", Code: CodeOutOfRange, Row: i + 1, Min: EarliestDue.String(), Max: "9999-12-31"})
		case i > 0 && rows[i-1].Due.Valid() && !r.Due.After(rows[i-1].Due):
			es.add(&ValidationError{Field: "rows.due", Code: CodeNotIncreasing, Row: i + 1})
		}
	}
}

// validateRowValues checks each row's amount or percentage and reports
// whether the rows are percentages.
func validateRowValues(es *ValidationErrors, rows []Row, cur Currency, curOK bool) (byPercent, ok bool) {
	amounts, percents := 0, 0
	for i, r := range rows {
		row := i + 1
		switch {
		case !r.Amount.IsZero() && !r.Percent.IsZero():
			es.add(&ValidationError{Field: "rows.amount", Code: CodeConflict, Row: row, Other: "rows.percent"})
		case !r.Percent.IsZero():
			percents++
			validateAmount(es, "rows.percent", row, r.Percent, decimal.New(1, -precision), maxPercent, cur, false)
		case !r.Amount.IsZero():
			amounts++
			validateAmount(es, "rows.amount", row, r.Amount, MinTotal, MaxTotal, cur, curOK)
		default:
			es.add(&ValidationError{Field: "rows.amount", Code: CodeRequired, Row: row})
		}
	}
	if amounts > 0 && percents > 0 {
		es.addCode("rows", CodeMixedRows)
		return false, false
	}
	return percents > 0, true
}

func validateAmountSum(es *ValidationErrors, rows []Row, total decimal.Decimal) {
	sum := decimal.Zero
	for _, r := range rows {
		sum = sum.Add(r.Amount)
	}
	if !sum.Equal(total) {
		es.add(&ValidationError{Field: "rows.amount", Code: CodeSumMismatch, Row: len(rows), Diff: sum.Sub(total)})
	}
}

func validatePercentSum(es *ValidationErrors, rows []Row, total decimal.Decimal, cur Currency) {
	sum := decimal.Zero
	for _, r := range rows {
		sum = sum.Add(r.Percent)
	}
	if !sum.Equal(maxPercent) {
		es.add(&ValidationError{Field: "rows.percent", Code: CodeSumMismatch, Row: len(rows), Diff: sum.Sub(maxPercent)})
		return
	}
	for i, a := range rowAmounts(rows, total, cur) {
		if !a.IsPositive() {
			es.add(&ValidationError{Field: "rows.percent", Code: CodeTooSmall, Row: i + 1})
		}
	}
}

// rowAmounts converts valid rows into amounts: percentages are spread with
// the weighted rule so the total is kept exactly.
func rowAmounts(rows []Row, total decimal.Decimal, cur Currency) []decimal.Decimal {
	if rows[0].Percent.IsZero() {
		out := make([]decimal.Decimal, len(rows))
		for i, r := range rows {
			out[i] = r.Amount
		}
		return out
	}
	weights := make([]decimal.Decimal, len(rows))
	for i, r := range rows {
		weights[i] = r.Percent
	}
	return spreadWeighted(total, weights, cur.Minor)
}
