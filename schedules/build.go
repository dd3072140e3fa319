package schedules

import "github.com/shopspring/decimal"

// Build validates the plan and computes its schedule. It is the single entry
// point for the live preview in the web UI and for the CLI. Errors are
// ValidationErrors.
func Build(p Plan) (Schedule, error) {
	if err := p.Validate(); err != nil {
		return Schedule{}, err
	}
	cur, _ := LookupCurrency(p.Currency)
	s := Schedule{Scheme: p.Scheme, Currency: cur, Total: p.Total}
	switch p.Scheme {
	case Full:
		s.Payments = []Payment{{Due: p.First, Amount: p.Total, Kind: KindInstalment}}
	case Custom:
		s.Payments = customPayments(p, cur)
	default:
		s.Payments = periodicPayments(p, cur)
	}
	for i := range s.Payments {
		s.Payments[i].N = i + 1
		s.Interest = s.Interest.Add(s.Payments[i].Interest)
	}
	if p.BusinessDays {
		shiftToWorkingDays(s.Payments)
	}
	return s, nil
}

func customPayments(p Plan, cur Currency) []Payment {
	amounts := rowAmounts(p.Rows, p.Total, cur)
	out := make([]Payment, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = Payment{Due: r.Due, Amount: amounts[i], Kind: KindInstalment}
	}
	return out
}

// periodicPayments builds equal, annuity and differentiated plans: an
// optional down payment on First, then instalments anchored on First.
func periodicPayments(p Plan, cur Currency) []Payment {
	n, down := p.count(), p.downAmount(cur)
	var out []Payment
	offset := 0
	if down.IsPositive() {
		out = append(out, Payment{Due: p.First, Amount: down, Kind: KindDownPayment,
			Principal: down, Remaining: p.Total.Sub(down)})
		offset = 1
	}
	rows := instalmentRows(p, p.Total.Sub(down), n, cur)
	for i, r := range rows {
		r.Due = p.Period.Nth(p.First, i+offset)
		r.Kind = KindInstalment
		out = append(out, r)
	}
	return out
}

func instalmentRows(p Plan, principal decimal.Decimal, n int, cur Currency) []Payment {
	r := p.Period.rate(p.AnnualRate)
	switch {
	case p.Scheme == Annuity && r.IsPositive():
		return annuityRows(principal, r, n, cur.Minor)
	case p.Scheme == Differentiated || p.Scheme == Annuity:
		return differentiatedRows(principal, r, n, cur.Minor)
	}
	rows := make([]Payment, n)
	for i, a := range spreadEqual(principal, n, cur.Minor) {
		rows[i] = Payment{Amount: a, Principal: a}
	}
	return rows
}

// shiftToWorkingDays moves each due date to the next working day; a date
// that would then not be after the previous due date moves to the first
// working day after it, so dates keep strictly increasing.
func shiftToWorkingDays(ps []Payment) {
	for i := range ps {
		d := NextWorkingDay(ps[i].Due)
		if i > 0 && !d.After(ps[i-1].Due) {
			d = NextWorkingDay(ps[i-1].Due.AddDays(1))
		}
		ps[i].Due = d
	}
}
