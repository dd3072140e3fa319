// Package schedules is the pure calendar and money maths of b24pay: payment
// plans (equal, full, custom, annuity, differentiated), due-date anchors,
// the Russian business-day calendar, invoice split with VAT, allocation of a
// payment over instalments and rebalancing after a manual edit.
//
// It does no I/O (apart from the embedded table of holiday transfers), reads
// no clock and knows no database. Money is decimal.Decimal, rounded by the single rule
// written in rounding.go; dates are civil Dates written as YYYY-MM-DD.
// Every input has a Validate method returning ValidationErrors that the UI
// can place next to its fields (MessageRU gives Russian wording).
//
// Entry points: Build (plans, live preview), Split (invoices), Allocate
// (payments), Rebalance (manual edits).
package schedules
