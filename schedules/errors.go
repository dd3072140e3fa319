package schedules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Parse errors for the small value types.
var (
	ErrBadDate     = errors.New("schedules: bad date")
	ErrBadPeriod   = errors.New("schedules: bad period")
	ErrBadTerm     = errors.New("schedules: bad term")
	ErrBadVATRate  = errors.New("schedules: bad VAT rate")
	ErrBadCurrency = errors.New("schedules: unknown currency")
)

// Code says what is wrong with a field. The UI maps codes to Russian text
// (see MessageRU for the engine's own wording).
type Code string

// Validation codes.
const (
	CodeRequired      Code = "required"       // the field must be given
	CodeUnknown       Code = "unknown"        // not one of the known values (scheme, currency, VAT rate)
	CodeOutOfRange    Code = "out_of_range"   // outside Min..Max
	CodeTooPrecise    Code = "too_precise"    // more decimals than the currency's minor units
	CodeConflict      Code = "conflict"       // given together with a field it excludes (Other)
	CodeNotWhole      Code = "not_whole"      // the term is not a whole number of periods
	CodeSumMismatch   Code = "sum_mismatch"   // rows do not add up; Diff = sum − expected
	CodeMixedRows     Code = "mixed_rows"     // some rows carry amounts and others percentages
	CodeNotIncreasing Code = "not_increasing" // a date is not after the previous one
	CodeTooSmall      Code = "too_small"      // the amount cannot give every part at least one minor unit
	CodeNotAllowed    Code = "not_allowed"    // the field makes no sense for this scheme
	CodeExceedsLeft   Code = "exceeds_left"   // a new amount exceeds what is left to spread; Diff = excess
	CodeAlreadyPaid   Code = "already_paid"   // a paid or partly paid instalment cannot be edited
	CodeFrozen        Code = "frozen"         // invoiced, being paid or the down payment: cannot be edited
	CodeNoneFree      Code = "none_free"      // no other instalment is free to take the difference; Diff = new − old
	CodeNotFound      Code = "not_found"      // no instalment with this number
	CodeInvalid       Code = "invalid"        // malformed value (impossible date, bad period)
	CodeNotWeekend    Code = "not_weekend"    // a transfer's From is not a Saturday or Sunday
	CodeNotWeekday    Code = "not_weekday"    // a transfer's To is a weekend day or a holiday
	CodeDuplicate     Code = "duplicate"      // the same date is given twice
)

// ValidationError is one problem with one input field, typed for the UI to
// place next to the field.
type ValidationError struct {
	Field string          // input field: "total", "count", "rows", "rows.amount", "lines.price", …
	Code  Code            // what is wrong
	Row   int             // 1-based row (custom plan row, invoice line, instalment); 0 if none
	Diff  decimal.Decimal // for sum_mismatch / exceeds_left: how far off (sum − expected)
	Min   string          // for out_of_range: the allowed bounds, as text
	Max   string
	// Percent marks bounds that are percentages (a down payment given in %).
	Percent bool
	Other   string // for conflict: the other field
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Field, e.Code)
	if e.Row > 0 {
		fmt.Fprintf(&b, " (row %d)", e.Row)
	}
	if !e.Diff.IsZero() {
		fmt.Fprintf(&b, " (diff %s)", e.Diff)
	}
	if e.Min != "" || e.Max != "" {
		fmt.Fprintf(&b, " (allowed %s..%s)", e.Min, e.Max)
	}
	if e.Other != "" {
		fmt.Fprintf(&b, " (with %s)", e.Other)
	}
	return b.String()
}

// Is lets errors.Is match on Code (and on Field when the target sets it):
// errors.Is(err, &ValidationError{Code: CodeSumMismatch}).
func (e *ValidationError) Is(target error) bool {
	t, ok := target.(*ValidationError)
	if !ok {
		return false
	}
	return t.Code == e.Code && (t.Field == "" || t.Field == e.Field)
}

// ValidationErrors collects every problem found in one input, in field order.
// Range over it to place messages next to fields; errors.As finds the first
// *ValidationError through it.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "schedules: invalid input: " + strings.Join(parts, "; ")
}

// Unwrap exposes the single errors to errors.Is and errors.As.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// errs returns the collected errors as an error, or nil when there are none.
func (es ValidationErrors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func (es *ValidationErrors) add(e *ValidationError) { *es = append(*es, e) }

func (es *ValidationErrors) addCode(field string, code Code) {
	es.add(&ValidationError{Field: field, Code: code})
}
