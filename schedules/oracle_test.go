package schedules

import "github.com/shopspring/decimal"

// The Build of 5b23009, whose rows carried decimals, kept as the oracle of
// the rows in minor units (issue 12): the new rows must equal it kopeck for
// kopeck (TestBuildMatchesTheDecimalBuild, FuzzBuildMatchesTheDecimalBuild).

type oraclePayment struct {
	N                                      int
	Due, ShiftedFrom                       Date
	Kind                                   Kind
	ShiftReason                            ShiftReason
	Amount, Principal, Interest, Remaining decimal.Decimal
}

type oracleSchedule struct {
	Total, Interest decimal.Decimal
	Payments        []oraclePayment
}

func oracleBuild(p Plan) (oracleSchedule, error) {
	rows, err := p.validate()
	if err != nil {
		return oracleSchedule{}, err
	}
	cur, _ := LookupCurrency(p.Currency)
	s := oracleSchedule{Total: p.Total, Interest: decimal.Zero}
	switch p.Scheme {
	case Full:
		s.Payments = []oraclePayment{{Due: p.First, Amount: p.Total, Kind: KindInstalment}}
	case Custom:
		amounts := rowAmounts(p.Rows, p.Total, cur)
		for i, r := range p.Rows {
			s.Payments = append(s.Payments, oraclePayment{Due: r.Due, Amount: amounts[i], Kind: KindInstalment})
		}
	default:
		s.Payments = oraclePeriodic(p, cur, rows)
		s.Interest = fromUnits(totalInterest(rows), cur.Minor)
	}
	for i := range s.Payments {
		s.Payments[i].N = i + 1
	}
	if p.BusinessDays {
		dates := make([]Payment, len(s.Payments))
		for i, pay := range s.Payments {
			dates[i].Due = pay.Due
		}
		shiftToWorkingDays(dates, p.calendar())
		for i, d := range dates {
			s.Payments[i].Due, s.Payments[i].ShiftedFrom, s.Payments[i].ShiftReason = d.Due, d.ShiftedFrom, d.ShiftReason
		}
	}
	return s, nil
}

func oraclePeriodic(p Plan, cur Currency, rows []unitRow) []oraclePayment {
	down, m := p.downAmount(cur), cur.Minor
	offset := 0
	if down.IsPositive() {
		offset = 1
	}
	out := make([]oraclePayment, offset, len(rows)+offset)
	if offset == 1 {
		out[0] = oraclePayment{Due: p.First, Amount: down, Kind: KindDownPayment, Principal: down, Remaining: p.Total.Sub(down)}
	}
	for i, r := range rows {
		pay := oraclePayment{Due: p.Period.Nth(p.First, i+offset), Kind: KindInstalment, Principal: fromUnits(r.principal, m)}
		pay.Amount = pay.Principal
		if p.Scheme.hasInterest() {
			pay.Amount, pay.Interest, pay.Remaining = fromUnits(r.amount(), m), fromUnits(r.interest, m), fromUnits(r.remaining, m)
		}
		out = append(out, pay)
	}
	return out
}
