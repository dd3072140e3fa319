package finance_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/finance"
)

// reconcileDrillDown lists the rows behind every incoming figure of d, page by page, and checks they
// add up to the figure: what is owed on the instalments, the number paid on time and late, the money
// of every month of the history, the refunds and the net amount of this month.
func reconcileDrillDown(t *testing.T, svc *finance.Service, f finance.Filter, d finance.Dashboard) {
	ctx := context.Background()
	owed := func(key string) (sum, n int64) {
		var count int64
		g, ok := finance.ParseFigure(key)
		require.True(t, ok, key)
		require.Equal(t, finance.FigureInstalments, g.Kind(), key)
		for page := 1; ; page++ {
			rows, total, err := svc.FigureInstalments(ctx, member, f, g, finance.Page{Sort: "owed", Page: page, Size: 40})
			require.NoError(t, err)
			for _, r := range rows {
				sum += r.Owed()
			}
			n += int64(len(rows))
			if page == 1 {
				count = total
			}
			if len(rows) < 40 {
				require.Equal(t, count, n, key)
				return sum, n
			}
		}
	}
	for key, want := range map[string]int64{"receivable": d.Receivable, "overdue": d.Overdue, "due7": d.Due7, "due30": d.Due30} {
		got, _ := owed(key)
		require.Equal(t, want, got, key)
	}
	for k := range finance.AgingBuckets {
		got, _ := owed(fmt.Sprintf("aging-%d", k))
		require.Equal(t, d.Aging[k], got, "aging %d", k)
	}
	for _, m := range d.Forecast {
		got, _ := owed("forecast-" + m.Month)
		require.Equal(t, m.Minor, got, "forecast %s", m.Month)
	}
	_, onTime := owed("ontime")
	_, late := owed("late")
	require.Equal(t, d.OnTime.OnTime, onTime, "paid on time")
	require.Equal(t, d.OnTime.Due-d.OnTime.OnTime, late, "paid late or not in full")

	money := func(key string) (paid, refunded, fees int64) {
		g, ok := finance.ParseFigure(key)
		require.True(t, ok, key)
		require.Equal(t, finance.FigureMoney, g.Kind(), key)
		rows, total, err := svc.FigureMoney(ctx, member, f, g, finance.Page{Sort: "amount", Page: 1, Size: 500})
		require.NoError(t, err)
		require.EqualValues(t, len(rows), total)
		for _, r := range rows {
			if r.Kind == "payment" {
				paid, fees = paid+r.Amount, fees+r.Fee
			} else {
				refunded += r.Amount
			}
		}
		return paid, refunded, fees
	}
	for _, m := range d.Collected {
		paid, refunded, _ := money("collected-" + m.Month)
		require.Equal(t, m.Minor, paid, "collected in %s", m.Month)
		require.Zero(t, refunded)
	}
	paid, _, fees := money("paid")
	require.Equal(t, d.PaidMonth, paid)
	require.Equal(t, d.FeesMonth, fees)
	_, refunded, _ := money("refunded")
	require.Equal(t, d.RefundedMonth, refunded)
	paid, refunded, fees = money("net")
	require.Equal(t, d.NetMonth(), paid-refunded-fees)
}

func TestParseFigureRefusesWhatNoFigureIs(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "aging-4", "aging--1", "forecast-2026-13", "paid-26-01", "owed", "out-"} {
		_, ok := finance.ParseFigure(key)
		require.False(t, ok, key)
	}
	for key, kind := range map[string]string{"aging-3": finance.FigureInstalments, "forecast-2027-01": finance.FigureInstalments,
		"late": finance.FigureInstalments, "collected-2026-02": finance.FigureMoney, "net": finance.FigureMoney,
		"out-due": finance.FigureOutgoing} {
		g, ok := finance.ParseFigure(key)
		require.True(t, ok, key)
		require.Equal(t, kind, g.Kind(), key)
	}
	g, _ := finance.ParseFigure("collected-2026-02")
	require.Equal(t, "paid-2026-02", g.String(), "a month of the history lists what was paid in it")
}
