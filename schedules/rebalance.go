package schedules

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"
)

// Edit is a manager's change to one unpaid instalment. A zero Due or zero
// Amount leaves that value unchanged.
type Edit struct {
	Seq    int
	Due    Date
	Amount decimal.Decimal
}

// Rebalance applies an edit to a schedule's instalments and returns them in
// Seq order. Instalments with anything paid, and frozen ones, keep their
// amounts. When the amount changes, the other free instalments share what is
// left of the schedule's total by the equal rule (earliest get the extra
// minor units), so the total is kept. Errors are ValidationErrors: not_found
// (seq), already_paid / frozen (seq), out_of_range / too_precise (amount),
// exceeds_left (amount, Diff = how much too large), none_free (amount, when
// no other free instalment can take the difference) and not_increasing
// (due, Row = Seq of the first date out of order).
func Rebalance(items []Open, e Edit, currency string) ([]Open, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return nil, ValidationErrors{{Field: "currency", Code: CodeUnknown}}
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b Open) int { return cmp.Compare(a.Seq, b.Seq) })
	i := slices.IndexFunc(out, func(o Open) bool { return o.Seq == e.Seq })
	switch {
	case i < 0:
		return nil, ValidationErrors{{Field: "seq", Code: CodeNotFound, Row: e.Seq}}
	case !out[i].Paid.IsZero():
		return nil, ValidationErrors{{Field: "seq", Code: CodeAlreadyPaid, Row: e.Seq}}
	case out[i].Frozen:
		return nil, ValidationErrors{{Field: "seq", Code: CodeFrozen, Row: e.Seq}}
	}
	if !e.Due.IsZero() {
		out[i].Due = e.Due
	}
	if !e.Amount.IsZero() {
		if err := respread(out, i, e.Amount, cur); err != nil {
			return nil, err
		}
	}
	if err := checkIncreasing(out); err != nil {
		return nil, err
	}
	return out, nil
}

// respread sets out[i] to amount and spreads the rest of the total over the
// other free instalments.
func respread(out []Open, i int, amount decimal.Decimal, cur Currency) error {
	var es ValidationErrors
	if !validateAmount(&es, "amount", out[i].Seq, amount, cur.Unit(), MaxTotal, cur, true) {
		return es
	}
	left := decimal.Zero // what the free instalments share
	var others []int
	for k, o := range out {
		if o.free() {
			left = left.Add(o.Amount)
			if k != i {
				others = append(others, k)
			}
		}
	}
	if len(others) == 0 && !amount.Equal(out[i].Amount) {
		return ValidationErrors{{Field: "amount", Code: CodeNoneFree, Row: out[i].Seq, Diff: amount.Sub(out[i].Amount)}}
	}
	if err := checkFits(amount, left, len(others), out[i].Seq, cur); err != nil {
		return err
	}
	out[i].Amount = amount
	if len(others) == 0 {
		return nil
	}
	for j, a := range spreadEqual(left.Sub(amount), len(others), cur.Minor) {
		out[others[j]].Amount = a
	}
	return nil
}

// checkFits makes sure that after the edit each of n other instalments keeps
// at least one minor unit.
func checkFits(amount, left decimal.Decimal, n, seq int, cur Currency) error {
	allowed := left.Sub(cur.Unit().Mul(decimal.NewFromInt(int64(n))))
	if amount.GreaterThan(allowed) {
		return ValidationErrors{{Field: "amount", Code: CodeExceedsLeft, Row: seq, Diff: amount.Sub(allowed)}}
	}
	return nil
}

func checkIncreasing(out []Open) error {
	for k := 1; k < len(out); k++ {
		if !out[k].Due.After(out[k-1].Due) {
			return ValidationErrors{{Field: "due", Code: CodeNotIncreasing, Row: out[k].Seq}}
		}
	}
	return nil
}
