package finance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Routes are the payment routes (providers) a fee or a filter may name.
var Routes = []string{"invoicebox", "sbp", "yookassa"}

// Fees are the providers' fees per route, in percent of the money received. None of our providers
// reports its fee per payment in the notifications we read, so the rate comes from the contract with
// the provider (configuration).
type Fees map[string]decimal.Decimal

// ParseFees reads "sbp=0.7,yookassa=2.8,invoicebox=1.5" (percent; an unnamed route pays nothing).
func ParseFees(s string) (Fees, error) {
	f := Fees{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		route, rate, ok := strings.Cut(part, "=")
		route = strings.TrimSpace(route)
		if !ok || !knownRoute(route) {
			return nil, fmt.Errorf("%q: expected route=percent with route one of %s", part, strings.Join(Routes, ", "))
		}
		pct, err := decimal.NewFromString(strings.TrimSpace(rate))
		if err != nil || pct.IsNegative() || pct.GreaterThanOrEqual(decimal.NewFromInt(100)) {
			return nil, fmt.Errorf("%q: the fee must be a percent from 0 to below 100", part)
		}
		f[route] = pct
	}
	return f, nil
}

func knownRoute(r string) bool {
	i := sort.SearchStrings(Routes, r)
	return i < len(Routes) && Routes[i] == r
}

// Fee is the fee on an amount received by a route, in minor units, rounded half away from zero.
func (f Fees) Fee(route string, minor int64) int64 {
	pct, ok := f[route]
	if !ok || minor <= 0 {
		return 0
	}
	return decimal.NewFromInt(minor).Mul(pct).Div(decimal.NewFromInt(100)).Round(0).IntPart()
}
