package main

import (
	"errors"
	"fmt"

	"b24pay/schedules"
)

// fieldFlags maps the engine's validation fields to the flags that set them.
var fieldFlags = map[string]string{
	"rows": "plan", "rows.due": "plan", "rows.amount": "plan", "rows.percent": "plan", "down_percent": "down",
	"lines": "line", "lines.name": "line", "lines.quantity": "line", "lines.price": "line", "lines.vat": "line",
}

// validationProblem turns the engine's first validation error into a flag problem in English
// (the engine's own wording, schedules.MessageRU, is for the Russian UI).
func validationProblem(err error) error {
	var ve *schedules.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	name, ok := fieldFlags[ve.Field]
	if !ok {
		name = ve.Field
	}
	msg := codeMessage(ve)
	if ve.Row > 0 {
		msg = fmt.Sprintf("item %d: %s", ve.Row, msg)
	}
	return &flagProblem{name, msg}
}

func codeMessage(e *schedules.ValidationError) string {
	switch e.Code {
	case schedules.CodeRequired:
		return "required"
	case schedules.CodeUnknown:
		return "unknown value"
	case schedules.CodeOutOfRange:
		return fmt.Sprintf("must be from %s to %s", e.Min, e.Max)
	case schedules.CodeTooPrecise:
		return "too many decimal places for the currency"
	case schedules.CodeConflict:
		return "cannot be combined with -" + flagOf(e.Other)
	case schedules.CodeNotWhole:
		return "the term must be a whole number of periods"
	case schedules.CodeSumMismatch:
		return "the items do not add up to the total, difference " + e.Diff.String()
	case schedules.CodeMixedRows:
		return "give either amounts or percentages in every item"
	case schedules.CodeNotIncreasing:
		return "each date must be after the previous one"
	case schedules.CodeTooSmall:
		return "the amount is too small to split into that many parts"
	case schedules.CodeNotAllowed:
		return "not used by this scheme"
	}
	return "invalid value"
}

func flagOf(field string) string {
	if f, ok := fieldFlags[field]; ok {
		return f
	}
	return field
}
