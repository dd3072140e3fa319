package finance_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/finance"
	"b24pay/schedules"
	"b24pay/store"
	"b24pay/store/storetest"
)

// The seeded portal gets three managers (schedule id mod 3) and two routes (odd payments by card);
// the filtered figures, debtors and register then equal independent sums over the filtered rows, and
// the money received carries the SBP fee of 1,5 % computed per payment.
func TestDashboardFiltersByManagerPeriodRouteWithFees(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // 1 December in Moscow
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rows := seed(t, db, now)
		require.NoError(t, db.Exec(`UPDATE payment_schedules SET responsible_id = id % 3 + 1`).Error)
		require.NoError(t, db.Exec(`UPDATE payments SET provider = 'yookassa' WHERE id LIKE '%-1'`).Error)
		fees, err := finance.ParseFees("sbp=1.5, yookassa=2.8")
		require.NoError(t, err)
		svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
		svc.SetFees(fees)
		f := finance.Filter{Manager: 2, From: schedules.NewDate(2026, 9, 1), To: schedules.NewDate(2026, 12, 1), Route: "sbp"}

		d, err := svc.Dashboard(context.Background(), member, f)
		require.NoError(t, err)
		want := filtered(rows, f)
		reconcile(t, want, now, d)
		reconcileDrillDown(t, svc, f, d)
		var fee int64
		for _, p := range want.payments {
			if p.settled != nil && sameMonth(*p.settled, now) {
				fee += (p.paid*15 + 500) / 1000 // 1,5 %, half up
			}
		}
		require.Positive(t, fee)
		require.Equal(t, fee, d.FeesMonth)
		require.Equal(t, d.PaidMonth-d.RefundedMonth-fee, d.NetMonth())
		reconcileDebtors(t, svc, want, now, f)
		reconcileRegister(t, svc, want, f)

		all, err := svc.Dashboard(context.Background(), member, finance.Filter{})
		require.NoError(t, err)
		require.Greater(t, all.Receivable, d.Receivable, "the filter narrows")
		usd, err := svc.Dashboard(context.Background(), member, finance.Filter{Currency: "USD"})
		require.NoError(t, err)
		require.Zero(t, usd.Receivable+usd.PaidMonth, "no amounts of another currency")
	})
}

// filtered keeps the generated rows the filter selects: instalments by the schedule's manager and
// due date; payments by route and by the manager of the instalment they pay, a settlement outside the
// period not counted as money received; refunds by their payment and their day.
func filtered(b book, f finance.Filter) book {
	manager := func(schedule int64) int64 { return schedule%3 + 1 }
	day := func(t time.Time) string { return t.In(moscow).Format(time.DateOnly) }
	inPeriod := func(d string) bool { return d >= f.From.String() && d <= f.To.String() }
	out := book{clientName: b.clientName}
	for _, i := range b.instalments {
		if manager(i.schedule) == f.Manager && inPeriod(day(i.due)) {
			out.instalments = append(out.instalments, i)
		}
	}
	kept := map[string]bool{}
	for _, p := range b.payments {
		parts := strings.Split(p.id, "-") // pay-<deal>-<n>; payable_id = deal*10+n is an instalment id
		deal, _ := strconv.ParseInt(parts[1], 10, 64)
		n, _ := strconv.ParseInt(parts[2], 10, 64)
		inst := deal*10 + n
		route := map[bool]string{true: "yookassa", false: "sbp"}[n == 1]
		if route != f.Route || inst > int64(len(b.instalments)) || manager(b.instalments[inst-1].schedule) != f.Manager {
			continue
		}
		if p.settled != nil && !inPeriod(day(*p.settled)) {
			p.settled = nil
		}
		kept[p.id] = true
		out.payments = append(out.payments, p)
	}
	for _, r := range b.refunds {
		if kept[r.payment] && inPeriod(day(r.at)) {
			out.refunds = append(out.refunds, r)
		}
	}
	return out
}

func TestFilterInputSaysWhatToFix(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in    finance.FilterInput
		field string
	}{
		"ManagerNotANumber": {finance.FilterInput{Manager: "Иван"}, "manager"},
		"DayTyped31Feb":     {finance.FilterInput{From: "31.02.2026"}, "from"},
		"PeriodBackwards":   {finance.FilterInput{From: "2026-12-01", To: "30.11.2026"}, "to"},
		"UnknownRoute":      {finance.FilterInput{Route: "paypal"}, "route"},
		"UnknownCurrency":   {finance.FilterInput{Currency: "XXX1"}, "currency"},
	} {
		t.Run(name, func(t *testing.T) {
			f, errs := tc.in.Parse()
			require.Contains(t, errs, tc.field)
			require.Len(t, errs, 1)
			require.Equal(t, finance.Filter{Currency: "RUB"}, f, "a bad filter filters nothing")
		})
	}
	f, errs := finance.FilterInput{Manager: " 7 ", From: "01.12.2026", To: "2026-12-31", Route: "sbp", Currency: "usd"}.Parse()
	require.Empty(t, errs)
	require.Equal(t, finance.Filter{Manager: 7, From: schedules.NewDate(2026, 12, 1), To: schedules.NewDate(2026, 12, 31),
		Route: "sbp", Currency: "USD"}, f)
}
