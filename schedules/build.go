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
		s.Payments = []Payment{{Due: p.First, AmountMinor: units(p.Total, cur.Minor), Kind: KindInstalment}}
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
		out[i] = Payment{Due: r.Due, AmountMinor: units(amounts[i], cur.Minor), Kind: KindInstalment}
	}
	return out
}

// periodicPayments builds equal, annuity and differentiated plans from their
// instalment rows: an optional down payment (on its own date, or on First),
// then instalments anchored on First.
func periodicPayments(p Plan, cur Currency, rows []unitRow) []Payment {
	down := units(p.downAmount(cur), cur.Minor)
	out := make([]Payment, 0, len(rows)+1)
	shift := 0 // periods from First to the first instalment
	if down > 0 {
		due := p.Down.Due
		if due.IsZero() {
			due, shift = p.First, 1
		}
		out = append(out, Payment{Due: due, AmountMinor: down, Kind: KindDownPayment, PrincipalMinor: down,
			RemainingMinor: units(p.Total, cur.Minor) - down})
	}
	interest := p.Scheme.hasInterest()
	for i, r := range rows {
		pay := Payment{Due: p.Period.Nth(p.First, i+shift), Kind: KindInstalment, AmountMinor: r.principal, PrincipalMinor: r.principal}
		if interest {
			pay.AmountMinor, pay.InterestMinor, pay.RemainingMinor = r.amount(), r.interest, r.remaining
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
