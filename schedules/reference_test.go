package schedules

import "math/big"

// The exact reference of the written interest rule, in math/big.Rat and in
// major units, written independently of interest.go (no shared helpers, no
// integer tricks): rate per period = annual / 100 × months / 12 (or × days /
// 365), interest = round(balance × rate), the annuity payment
// round(P × r × (1+r)^n / ((1+r)^n − 1)), every rounding half up at the
// currency's minor units. It is the oracle of the interest tests.

// refRow is one instalment in minor units.
type refRow struct{ amount, principal, interest, remaining int64 }

// refSchedule is the exact instalment rows of an annuity or differentiated
// plan (the down payment row excluded). firstTie is the index of the first
// row whose interest was exactly half a minor unit before rounding (-1: none).
type refSchedule struct {
	rows     []refRow
	firstTie int
}

// refRate is the rate per period in minor units per minor unit of balance.
func refRate(p Plan) *big.Rat {
	r := p.AnnualRate.Rat()
	r.Quo(r, big.NewRat(100, 1))
	if m := p.Period.Unit.months(); m > 0 {
		return r.Mul(r, big.NewRat(int64(m*p.Period.Every), 12))
	}
	return r.Mul(r, big.NewRat(int64(p.Period.Unit.days()*p.Period.Every), 365))
}

// refRound rounds x half up (away from zero) to an integer and reports an
// exact tie.
func refRound(x *big.Rat) (int64, bool) { return refQuo(x.Num(), x.Denom()) }

// refQuo is num/den (den > 0) rounded like refRound.
func refQuo(num, den *big.Int) (int64, bool) {
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	rem.Abs(rem)
	twice := rem.Lsh(rem, 1)
	c := twice.Cmp(den)
	if c >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	return q.Int64(), c == 0
}

// refPrincipal is the financed amount in minor units.
func refPrincipal(p Plan, minor int32) int64 {
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(minor)), nil))
	total := new(big.Rat).Mul(p.Total.Rat(), scale)
	down := new(big.Rat).Mul(p.Down.Amount.Rat(), scale)
	if !p.Down.Percent.IsZero() {
		d, _ := refRound(new(big.Rat).Mul(total, new(big.Rat).Quo(p.Down.Percent.Rat(), big.NewRat(100, 1))))
		down.SetInt64(d)
	}
	u, _ := refRound(total.Sub(total, down))
	return u
}

func referenceRows(p Plan, n int, minor int32) refSchedule {
	r, left := refRate(p), refPrincipal(p, minor)
	out := refSchedule{firstTie: -1, rows: make([]refRow, n)}
	var payment int64
	annuity := p.Scheme == Annuity && r.Sign() > 0
	if annuity {
		payment = refAnnuityPayment(left, r, n)
	}
	principal, x := left, new(big.Int)
	for k := range n {
		// left × r as left·num / den: Rat.Mul would reduce by a GCD on every row.
		interest, tie := refQuo(x.Mul(x.SetInt64(left), r.Num()), r.Denom())
		if tie && out.firstTie < 0 {
			out.firstTie = k
		}
		part := payment - interest
		if !annuity {
			part = refEqualPart(principal, n, k)
		}
		if k == n-1 {
			part = left
		}
		left -= part
		out.rows[k] = refRow{amount: part + interest, principal: part, interest: interest, remaining: left}
	}
	return out
}

// refAnnuityPayment is P × r × (1+r)^n / ((1+r)^n − 1), rounded. With
// r = a/b and (1+r)^n = N/D, N = (a+b)^n, D = b^n, that is P·a·N / (b·(N − D)),
// evaluated on integers: big.Rat would reduce thousand-digit powers by a GCD.
func refAnnuityPayment(principal int64, r *big.Rat, n int) int64 {
	exp := big.NewInt(int64(n))
	bigN := new(big.Int).Exp(new(big.Int).Add(r.Num(), r.Denom()), exp, nil)
	bigD := new(big.Int).Exp(r.Denom(), exp, nil)
	num := new(big.Int).Mul(big.NewInt(principal), r.Num())
	num.Mul(num, bigN)
	den := new(big.Int).Mul(r.Denom(), bigD.Sub(bigN, bigD))
	a, _ := refQuo(num, den)
	return a
}

// refEqualPart is part k of P split in n: floor(P/n), plus one minor unit for
// the first P mod n parts.
func refEqualPart(principal int64, n, k int) int64 {
	if int64(k) < principal%int64(n) {
		return principal/int64(n) + 1
	}
	return principal / int64(n)
}

// builtRows are the instalments of a built schedule in minor units.
func builtRows(s Schedule) []refRow {
	var out []refRow
	for _, pay := range s.Payments {
		if pay.Kind == KindInstalment {
			out = append(out, refRow{pay.AmountMinor, pay.PrincipalMinor, pay.InterestMinor, pay.RemainingMinor})
		}
	}
	return out
}
