package schedules

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"
)

// Open is an instalment that may still be owed: its number in the schedule,
// due date, amount and what has already been paid on it.
type Open struct {
	Seq    int
	Due    Date
	Amount decimal.Decimal
	Paid   decimal.Decimal
	// Frozen instalments (invoiced, being paid, or the down payment) keep their amount and date:
	// Rebalance neither edits them nor spreads money over them.
	Frozen bool
}

// free tells whether an edit may change the instalment.
func (o Open) free() bool { return o.Paid.IsZero() && !o.Frozen }

// Outstanding is what is still owed on the instalment (never negative).
func (o Open) Outstanding() decimal.Decimal {
	return decimal.Max(o.Amount.Sub(o.Paid), decimal.Zero)
}

// Status of an instalment after an allocation.
type Status string

// Instalment statuses.
const (
	StatusPaid       Status = "paid"
	StatusPartlyPaid Status = "partly_paid"
)

// Applied is what one instalment received from a payment.
type Applied struct {
	Seq         int
	Received    decimal.Decimal
	Outstanding decimal.Decimal // still owed after this payment
	Status      Status
}

// Allocation is the result of applying one payment to a schedule.
type Allocation struct {
	Applied     []Applied       // instalments that received money, oldest first
	Overpayment decimal.Decimal // the part of the payment that no instalment needed
}

// Allocate applies a payment to open instalments, oldest first (by due date,
// then by number): each is filled completely before the next one gets
// anything; what is left after the last is the overpayment. Instalments with
// nothing outstanding are skipped. A zero or negative payment allocates
// nothing. The input slice is not modified.
func Allocate(instalments []Open, payment decimal.Decimal) Allocation {
	var a Allocation
	left := decimal.Max(payment, decimal.Zero)
	for _, o := range oldestFirst(instalments) {
		owed := o.Outstanding()
		if !left.IsPositive() || !owed.IsPositive() {
			continue
		}
		got := decimal.Min(owed, left)
		left = left.Sub(got)
		status := StatusPartlyPaid
		if got.Equal(owed) {
			status = StatusPaid
		}
		a.Applied = append(a.Applied, Applied{Seq: o.Seq, Received: got, Outstanding: owed.Sub(got), Status: status})
	}
	a.Overpayment = left
	return a
}

func oldestFirst(in []Open) []Open {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b Open) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}
