package schedules

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Validate checks the plan and returns ValidationErrors listing every
// problem found, or nil. Build calls it first.
func (p Plan) Validate() error {
	_, err := p.validate()
	return err
}

// validate checks the plan; for a valid periodic plan it also returns the
// instalment rows it had to compute to check them, so Build computes them once.
func (p Plan) validate() ([]unitRow, error) {
	var es ValidationErrors
	var rows []unitRow
	cur, curOK := p.validateCurrency(&es)
	if !p.Scheme.valid() {
		es.addCode("scheme", CodeUnknown)
	}
	p.validateTotal(&es, cur, curOK)
	switch {
	case p.Scheme == Full:
		p.validateFirst(&es)
		p.forbidDown(&es)
	case p.Scheme == Custom:
		p.forbidDown(&es)
		validateRows(&es, p.Rows, p.Total, cur, curOK)
	case p.Scheme.periodic():
		p.validateFirst(&es)
		rows = p.validatePeriodic(&es, cur, curOK)
	}
	return rows, es.err()
}

func (p Plan) validateCurrency(es *ValidationErrors) (Currency, bool) {
	if p.Currency == "" {
		es.addCode("currency", CodeRequired)
		return Currency{}, false
	}
	cur, err := LookupCurrency(p.Currency)
	if err != nil {
		es.addCode("currency", CodeUnknown)
		return Currency{}, false
	}
	return cur, true
}

func (p Plan) validateTotal(es *ValidationErrors, cur Currency, curOK bool) {
	validateAmount(es, "total", 0, p.Total, MinTotal, MaxTotal, cur, curOK)
}

// validateAmount checks min ≤ v ≤ max and the currency's precision.
func validateAmount(es *ValidationErrors, field string, row int, v, lo, hi decimal.Decimal, cur Currency, curOK bool) bool {
	if v.LessThan(lo) || v.GreaterThan(hi) {
		es.add(&ValidationError{Field: field, Row: row, Code: CodeOutOfRange, Min: lo.String(), Max: hi.String()})
		return false
	}
	if curOK && !cur.Fits(v) {
		es.add(&ValidationError{Field: field, Row: row, Code: CodeTooPrecise})
		return false
	}
	return true
}

// EarliestDue is the earliest due date a plan may name: year 0001 and its neighbours are typos,
// and the zero date is the allocation's "first in line" marker.
var EarliestDue = Date{Year: 1900, Month: time.January, Day: 1}

func (p Plan) validateFirst(es *ValidationErrors) {
	switch {
	case p.First.IsZero():
		es.addCode("first", CodeRequired)
	case !p.First.Valid():
		es.addCode("first", CodeInvalid)
	case EarliestDue.After(p.First):
		es.add(&ValidationError{Field: "first", Code: CodeOutOfRange, Min: EarliestDue.String(), Max: "9999-12-31"})
	}
}

func (p Plan) forbidDown(es *ValidationErrors) {
	if !p.Down.IsZero() || !p.Down.Due.IsZero() {
		es.addCode("down", CodeNotAllowed)
	}
}

// validateDownDue checks the down payment's own date: only with a down payment, a real date, not
// before EarliestDue and not after the first instalment (First).
func (p Plan) validateDownDue(es *ValidationErrors) bool {
	due := p.Down.Due
	switch {
	case due.IsZero():
		return true
	case p.Down.IsZero():
		es.addCode("down.due", CodeNotAllowed)
	case !due.Valid():
		es.addCode("down.due", CodeInvalid)
	case EarliestDue.After(due) || (p.First.Valid() && due.After(p.First)):
		hi := p.First
		if !hi.Valid() || hi.Before(EarliestDue) {
			hi = Date{Year: 9999, Month: time.December, Day: 31}
		}
		es.add(&ValidationError{Field: "down.due", Code: CodeOutOfRange, Min: EarliestDue.String(), Max: hi.String()})
	default:
		return true
	}
	return false
}

// validatePeriodic checks the fields of equal, annuity and differentiated
// plans, then whether the resolved plan fits (dates, minor units), and
// returns the instalment rows of a plan that fits.
func (p Plan) validatePeriodic(es *ValidationErrors, cur Currency, curOK bool) []unitRow {
	before := len(*es)
	periodOK := validatePeriod(es, p.Period)
	count, countOK := p.validateCount(es, periodOK)
	down, downOK := p.validateDown(es, cur, curOK)
	downOK = p.validateDownDue(es) && downOK
	if p.Scheme.hasInterest() && (p.AnnualRate.IsNegative() || p.AnnualRate.GreaterThan(MaxRate)) {
		es.add(&ValidationError{Field: "rate", Code: CodeOutOfRange, Min: "0", Max: MaxRate.String()})
	}
	if len(*es) == before && countOK && downOK && curOK {
		return p.validateFit(es, p.Total.Sub(down), count, cur)
	}
	return nil
}

// validateFit checks that the last due date stays within year 9999 and that
// every instalment gets at least one minor unit; it returns the rows.
func (p Plan) validateFit(es *ValidationErrors, financed decimal.Decimal, count int, cur Currency) []unitRow {
	if last := p.Period.Nth(p.First, count); p.First.Valid() && !last.Valid() {
		es.add(&ValidationError{Field: "first", Code: CodeOutOfRange, Min: "0001-01-01", Max: "9999-12-31"})
		return nil
	}
	u := units(financed, cur.Minor)
	if u < int64(count) {
		es.add(&ValidationError{Field: "total", Code: CodeTooSmall})
		return nil
	}
	rows := p.instalmentUnits(u, count)
	if !representable(rows) {
		es.add(&ValidationError{Field: "total", Code: CodeTooSmall})
		return nil
	}
	if p.Scheme.hasInterest() && p.payableWithInterest(financed, rows, cur).GreaterThan(MaxTotal) {
		es.add(&ValidationError{Field: "total", Code: CodeOutOfRange, Min: MinTotal.String(), Max: MaxTotal.String()})
		return nil
	}
	return rows
}

// payableWithInterest is what the plan makes the client pay in all: the down payment plus every
// instalment with its interest.
func (p Plan) payableWithInterest(financed decimal.Decimal, rows []unitRow, cur Currency) decimal.Decimal {
	var sum int64
	for _, r := range rows {
		sum += r.amount()
	}
	return p.Total.Sub(financed).Add(fromUnits(sum, cur.Minor))
}

// representable reports whether rounding to minor units leaves every row
// with a positive payment and a non-negative principal. Tiny annuities at high
// rates over many periods fail: the rounding of the payment, compounded,
// would make the last payment negative.
func representable(rows []unitRow) bool {
	for _, r := range rows {
		if r.amount() <= 0 || r.principal < 0 {
			return false
		}
	}
	return true
}

func validatePeriod(es *ValidationErrors, p Period) bool {
	if p.Unit.months() == 0 && p.Unit.days() == 0 {
		es.addCode("period", CodeUnknown)
		return false
	}
	if p.Every < 1 || p.Every > MaxEvery {
		es.add(&ValidationError{Field: "every", Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxEvery)})
		return false
	}
	return true
}

// validateCount resolves Count or Term into the number of instalments.
func (p Plan) validateCount(es *ValidationErrors, periodOK bool) (int, bool) {
	switch {
	case p.Count != 0 && !p.Term.IsZero():
		es.add(&ValidationError{Field: "term", Code: CodeConflict, Other: "count"})
		return 0, false
	case p.Count == 0 && p.Term.IsZero():
		es.addCode("count", CodeRequired)
		return 0, false
	case p.Count != 0:
		return checkCount(es, "count", p.Count)
	case !periodOK:
		return 0, false
	}
	n, ok := p.Term.Periods(p.Period)
	if !ok {
		es.addCode("term", CodeNotWhole)
		return 0, false
	}
	return checkCount(es, "term", n)
}

func checkCount(es *ValidationErrors, field string, n int) (int, bool) {
	if n < 1 || n > MaxCount {
		es.add(&ValidationError{Field: field, Code: CodeOutOfRange, Min: "1", Max: strconv.Itoa(MaxCount)})
		return 0, false
	}
	return n, true
}

// validateDown resolves the down payment into an amount, 0 < down < total.
func (p Plan) validateDown(es *ValidationErrors, cur Currency, curOK bool) (decimal.Decimal, bool) {
	d := p.Down
	switch {
	case d.IsZero():
		return decimal.Zero, true
	case !d.Amount.IsZero() && !d.Percent.IsZero():
		es.add(&ValidationError{Field: "down", Code: CodeConflict, Other: "down_percent"})
		return decimal.Zero, false
	case !curOK:
		return decimal.Zero, false
	case !d.Percent.IsZero():
		return p.downFromPercent(es, cur)
	}
	upper := p.Total.Sub(cur.Unit())
	if !validateAmount(es, "down", 0, d.Amount, cur.Unit(), decimal.Max(upper, cur.Unit()), cur, true) {
		return decimal.Zero, false
	}
	if !d.Amount.LessThan(p.Total) {
		es.add(&ValidationError{Field: "down", Code: CodeOutOfRange, Min: cur.Unit().String(), Max: upper.String()})
		return decimal.Zero, false
	}
	return d.Amount, true
}

func (p Plan) downFromPercent(es *ValidationErrors, cur Currency) (decimal.Decimal, bool) {
	pct := p.Down.Percent
	amount := roundMinor(p.Total.Mul(pct).Shift(-2), cur.Minor)
	if !pct.IsPositive() || !pct.LessThan(maxPercent) || !amount.IsPositive() || !amount.LessThan(p.Total) {
		es.add(&ValidationError{Field: "down", Code: CodeOutOfRange, Min: "0", Max: "100", Percent: true})
		return decimal.Zero, false
	}
	return amount, true
}

// downAmount is the down payment of a valid plan.
func (p Plan) downAmount(cur Currency) decimal.Decimal {
	if !p.Down.Percent.IsZero() {
		return roundMinor(p.Total.Mul(p.Down.Percent).Shift(-2), cur.Minor)
	}
	return p.Down.Amount
}

// count is the number of instalments of a valid periodic plan.
func (p Plan) count() int {
	if p.Count != 0 {
		return p.Count
	}
	n, _ := p.Term.Periods(p.Period)
	return n
}
