package schedules

import "github.com/shopspring/decimal"

// Build validates the plan and computes its schedule. It is the single entry
// point for the live preview in the web UI and for the CLI. Errors are
// ValidationErrors.
func Build(p Plan) (Schedule, error) {
	rows, err := p.validate()
	if err != nil {
		return Schedule{}, err
	}
	cur, _ := LookupCurrency(p.Currency)
	s := Schedule{Scheme: p.Scheme, Currency: cur, Total: p.Total, Interest: decimal.Zero}
	switch p.Scheme {
	case Full:
		s.Payments = []Payment{{Due: p.First, Amount: p.Total, Kind: KindInstalment}}
	case Custom:
		s.Payments = customPayments(p, cur)
	default:
		s.Payments = periodicPayments(p, cur, rows)
		s.Interest = fromUnits(totalInterest(rows), cur.Minor)
	}
	for i := range s.Payments {
		s.Payments[i].N = i + 1
	}
	if p.BusinessDays {
		shiftToWorkingDays(s.Payments, p.calendar())
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

// periodicPayments builds equal, annuity and differentiated plans from their
// instalment rows: an optional down payment (on its own date, or on First),
// then instalments anchored on First.
func periodicPayments(p Plan, cur Currency, rows []unitRow) []Payment {
	down, m := p.downAmount(cur), cur.Minor
	hasDown := down.IsPositive()
	out := make([]Payment, 0, len(rows)+1)
	shift := 0 // periods from First to the first instalment
	if hasDown {
		due := p.Down.Due
		if due.IsZero() {
			due, shift = p.First, 1
		}
		out = append(out, Payment{Due: due, Amount: down, Kind: KindDownPayment, Principal: down, Remaining: p.Total.Sub(down)})
	}
	var amount decimal.Decimal // annuity rows share one amount: decimals are immutable
	prev := int64(-1)
	for i, r := range rows {
		pay := Payment{Due: p.Period.Nth(p.First, i+shift), Kind: KindInstalment, Principal: fromUnits(r.principal, m)}
		pay.Amount = pay.Principal
		if p.Scheme.hasInterest() {
			if r.amount() != prev {
				amount, prev = fromUnits(r.amount(), m), r.amount()
			}
			pay.Amount, pay.Interest, pay.Remaining = amount, fromUnits(r.interest, m), fromUnits(r.remaining, m)
		}
		out = append(out, pay)
	}
	return out
}

// instalmentUnits computes the instalment rows of a periodic plan in minor units.
func (p Plan) instalmentUnits(financed int64, n int) []unitRow {
	if !p.Scheme.hasInterest() {
		return equalUnits(financed, n)
	}
	r := p.Period.rate(p.AnnualRate)
	if p.Scheme == Annuity && r.positive() {
		return annuityUnits(financed, r, n)
	}
	return differentiatedUnits(financed, r, n)
}

func totalInterest(rows []unitRow) int64 {
	var sum int64
	for _, r := range rows {
		sum += r.interest
	}
	return sum
}
