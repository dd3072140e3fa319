package finance_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/finance"
	"b24pay/store"
	"b24pay/store/storetest"
)

const member = "fin-member"

var moscow = mustZone("Europe/Moscow")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// book is what the reconciliation test generated, kept in memory for the independent sums.
type book struct {
	instalments []inst
	payments    []pay
	refunds     []refund
	clientName  map[int64]string
}

type inst struct {
	schedule, client int64 // client 0: none
	due              time.Time
	amount, paid     int64
	paidOn           string // the portal day it was paid in full; "" also for one paid before paid_on existed
	cancelled        bool
	active           bool
}

type pay struct {
	id       string
	paid     int64
	status   string
	settled  *time.Time
	amount   int64
	refunded int64
}

type refund struct {
	payment string
	amount  int64
	status  string
	at      time.Time
}

// seed builds 200 deals: schedules of 3–12 monthly instalments around now, paid in full, in part or
// not at all, some cancelled or deleted; provider payments settled around the month boundary, and
// refunds of them in every status.
func seed(t *testing.T, db *store.DB, now time.Time) book {
	rnd := rand.New(rand.NewSource(16))
	ctx := context.Background()
	exec := func(q string, args ...any) {
		require.NoError(t, db.WithContext(ctx).Exec(q, args...).Error)
	}
	exec(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, status, installed_at, updated_at)
 VALUES (?, 'fin.bitrix24.ru', 'x', 'x', 'installed', ?, ?)`, member, now, now)
	b := book{clientName: map[int64]string{}}
	for c := int64(1); c <= 40; c++ {
		b.clientName[c] = fmt.Sprintf("ООО «Клиент %02d»", c)
		exec(`INSERT INTO clients (id, member_id, entity_type, b24_id, name, updated_at) VALUES (?, ?, 'company', ?, ?, ?)`,
			c, member, c, b.clientName[c], now)
	}
	var instID int64
	for deal := int64(1); deal <= 200; deal++ {
		client := rnd.Int63n(41) // 0: a deal without a client
		status := "active"
		if deal%17 == 0 {
			status = "deleted"
		}
		var clientArg any
		if client > 0 {
			clientArg = client
		}
		var deleted any
		if status == "deleted" {
			deleted = now
		}
		exec(`INSERT INTO payment_schedules (id, member_id, owner_type, owner_id, title, client_id, scheme, currency, total_minor,
 plan, status, created_by, created_at, updated_at, deleted_at) VALUES (?, ?, 'deal', ?, ?, ?, 'equal', 'RUB', 0, '{}', ?, 1, ?, ?, ?)`,
			deal, member, deal, fmt.Sprintf("Сделка %d", deal), clientArg, status, now, now, deleted)
		start := now.AddDate(0, -rnd.Intn(8), -rnd.Intn(200))
		for seq := 1; seq <= 3+rnd.Intn(10); seq++ {
			instID++
			due := start.AddDate(0, seq-1, 0)
			amount := int64(100_00 + rnd.Intn(5_000_000))
			var paid int64
			switch rnd.Intn(4) {
			case 0:
				paid = amount
			case 1:
				paid = rnd.Int63n(amount)
			}
			st := map[bool]string{true: "paid", false: "planned"}[paid == amount]
			cancelled := rnd.Intn(15) == 0
			if cancelled {
				st = "cancelled"
			}
			var paidOn string
			if paid == amount {
				// Early, on the day, late, or before paid-on days were recorded.
				paidOn = []string{due.In(moscow).AddDate(0, 0, -rnd.Intn(10)).Format(time.DateOnly), due.In(moscow).Format(time.DateOnly),
					due.In(moscow).AddDate(0, 0, 1+rnd.Intn(40)).Format(time.DateOnly), ""}[rnd.Intn(4)]
			}
			exec(`INSERT INTO instalments (id, schedule_id, member_id, seq, kind, due, amount_minor, paid_minor, paid_on, status, updated_at)
 VALUES (?, ?, ?, ?, 'regular', ?, ?, ?, ?, ?, ?)`, instID, deal, member, seq, due.In(moscow).Format(time.DateOnly), amount, paid, paidOn, st, now)
			b.instalments = append(b.instalments, inst{schedule: deal, client: client, due: due, amount: amount, paid: paid,
				paidOn: paidOn, cancelled: cancelled, active: status == "active"})
		}
		for n := range rnd.Intn(3) {
			p := pay{id: fmt.Sprintf("pay-%d-%d", deal, n), amount: int64(1000_00 + rnd.Intn(1_000_000))}
			// Settled within ±2 days of now: on both sides of the portal's month boundary; a third of
			// them over the 14 months before, for the history by month.
			at := now.Add(time.Duration(rnd.Intn(96*60)-48*60) * time.Minute)
			if rnd.Intn(3) == 0 {
				at = now.Add(-time.Duration(rnd.Intn(425*24*60)) * time.Minute)
			}
			switch rnd.Intn(4) {
			case 0:
				p.status = "pending"
			case 1:
				p.status, p.paid, p.settled = "succeeded", p.amount/2, &at // a partial payment
			default:
				p.status, p.paid, p.settled = "succeeded", p.amount, &at
			}
			if p.paid > 0 && rnd.Intn(3) == 0 {
				r := refund{payment: p.id, amount: p.paid / 3, status: []string{"pending", "succeeded", "failed"}[rnd.Intn(3)],
					at: now.Add(time.Duration(rnd.Intn(96*60)-48*60) * time.Minute)}
				if r.status != "failed" {
					p.refunded = r.amount
					p.status = "partially_refunded"
				}
				b.refunds = append(b.refunds, r)
			}
			exec(`INSERT INTO payments (id, member_id, payable_kind, payable_id, provider, provider_ref, amount_minor, currency,
 paid_minor, refunded_minor, status, pay_token, created_at, updated_at, settled_at) VALUES (?, ?, 'instalment', ?, 'sbp', ?, ?, 'RUB', ?, ?, ?, ?, ?, ?, ?)`,
				p.id, member, deal*10+int64(n), "ref-"+p.id, p.amount, p.paid, p.refunded, p.status, "tok-"+p.id, now, now, p.settled)
			b.payments = append(b.payments, p)
		}
	}
	for i, r := range b.refunds {
		exec(`INSERT INTO refunds (id, payment_id, member_id, amount_minor, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("ref-%d", i), r.payment, member, r.amount, r.status, r.at, r.at)
	}
	return b
}

// daysLate is how many whole portal days past its due date an instalment is today.
func daysLate(due, now time.Time) int {
	d := func(t time.Time) time.Time {
		t = t.In(moscow)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return int(d(now).Sub(d(due)).Hours() / 24)
}

func sameMonth(a, b time.Time) bool {
	a, b = a.In(moscow), b.In(moscow)
	return a.Year() == b.Year() && a.Month() == b.Month()
}

// Every dashboard figure equals an independent sum over the generated rows, on both databases, at
// 23:30 UTC on the last day of a month: already the next month in Moscow.
func TestDashboardReconcilesWithTheRowsAtTheMoscowMonthBoundary(t *testing.T) {
	t.Parallel()
	for _, now := range []time.Time{
		time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), // 1 December 02:30 in Moscow
		time.Date(2026, 11, 30, 20, 30, 0, 0, time.UTC), // 30 November 23:30 in Moscow
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				rows := seed(t, db, now)
				svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
				d, err := svc.Dashboard(context.Background(), member, finance.Filter{})
				require.NoError(t, err)
				reconcile(t, rows, now, d)
				reconcileDrillDown(t, svc, finance.Filter{}, d)
				reconcileDebtors(t, svc, rows, now, finance.Filter{})
				reconcileRegister(t, svc, rows, finance.Filter{})
			})
		})
	}
}

func reconcile(t *testing.T, b book, now time.Time, d finance.Dashboard) {
	var want finance.Dashboard
	want.Aging = make([]int64, len(finance.AgingBuckets))
	forecast := map[string]int64{}
	for _, i := range b.instalments {
		owed := i.amount - i.paid
		if !i.active || i.cancelled || owed == 0 {
			continue
		}
		want.Receivable += owed
		late := daysLate(i.due, now)
		if late > 0 {
			want.Overdue += owed
		}
		if late <= 0 && late >= -7 {
			want.Due7 += owed
		}
		if late <= 0 && late >= -30 {
			want.Due30 += owed
		}
		for k, bucket := range finance.AgingBuckets {
			if late >= bucket.From && (bucket.To == 0 || late <= bucket.To) {
				want.Aging[k] += owed
			}
		}
		if late <= 0 && i.due.In(moscow).Before(now.In(moscow).AddDate(1, 0, -1)) {
			forecast[i.due.In(moscow).Format("2006-01")] += owed
		}
	}
	for _, p := range b.payments {
		if p.settled != nil && sameMonth(*p.settled, now) {
			want.PaidMonth += p.paid
		}
	}
	for _, r := range b.refunds {
		if r.status == "succeeded" && sameMonth(r.at, now) {
			want.RefundedMonth += r.amount
		}
	}
	require.Positive(t, want.Overdue)
	require.Positive(t, want.PaidMonth)
	reconcileHistory(t, b, now, d)
	require.Equal(t, want.Receivable, d.Receivable, "receivable")
	require.Equal(t, want.Overdue, d.Overdue, "overdue")
	require.Equal(t, want.Aging, d.Aging, "aging")
	require.Equal(t, want.Due7, d.Due7, "due in 7 days")
	require.Equal(t, want.Due30, d.Due30, "due in 30 days")
	require.Equal(t, want.PaidMonth, d.PaidMonth, "paid this month")
	require.Equal(t, want.RefundedMonth, d.RefundedMonth, "refunded this month")
	got := map[string]int64{}
	for _, m := range d.Forecast {
		got[m.Month] = m.Minor
	}
	require.Equal(t, forecast, got, "forecast by month")
}

func reconcileDebtors(t *testing.T, svc *finance.Service, b book, now time.Time, f finance.Filter) {
	owed, overdue := map[int64]int64{}, map[int64]int64{}
	for _, i := range b.instalments {
		if i.active && !i.cancelled && i.amount > i.paid {
			owed[i.client] += i.amount - i.paid
			if daysLate(i.due, now) > 0 {
				overdue[i.client] += i.amount - i.paid
			}
		}
	}
	seen := map[int64]bool{}
	prev := int64(-1)
	for page := 1; ; page++ {
		rows, total, err := svc.Debtors(context.Background(), member, f, finance.Page{Sort: "owed", Page: page, Size: 7})
		require.NoError(t, err)
		require.EqualValues(t, len(owed), total)
		for _, r := range rows {
			require.False(t, seen[r.ClientID], "client %d on two pages", r.ClientID)
			seen[r.ClientID] = true
			require.Equal(t, owed[r.ClientID], r.Owed, "client %d", r.ClientID)
			require.Equal(t, overdue[r.ClientID], r.Overdue, "client %d", r.ClientID)
			require.Equal(t, b.clientName[r.ClientID], r.Name)
			require.GreaterOrEqual(t, r.Owed, prev, "sorted by debt")
			prev = r.Owed
		}
		if len(rows) < 7 {
			break
		}
	}
	require.Len(t, seen, len(owed))
	// Drill-down: a client's schedules add up to its debt, and a schedule's instalments to the schedule.
	for client := range owed {
		list, err := svc.ClientSchedules(context.Background(), member, f, client)
		require.NoError(t, err)
		var sum int64
		for _, s := range list {
			sum += s.Owed
			inst, err := svc.ScheduleInstalments(context.Background(), member, s.ID)
			require.NoError(t, err)
			var left int64
			for _, i := range inst {
				if i.Status != "cancelled" {
					left += i.Amount - i.Paid
				}
			}
			if f == (finance.Filter{}) { // a filtered schedule owes only its instalments within the filter
				require.Equal(t, s.Owed, left)
			}
		}
		require.Equal(t, owed[client], sum, "client %d", client)
	}
}

func reconcileRegister(t *testing.T, svc *finance.Service, b book, f finance.Filter) {
	rows, total, err := svc.PaymentsRegister(context.Background(), member, f, finance.Page{Sort: "amount", Page: 1, Size: 500})
	require.NoError(t, err)
	require.EqualValues(t, len(b.payments)+len(b.refunds), total)
	require.Len(t, rows, int(total))
	var paid, refunded int64
	for i, r := range rows {
		if i > 0 {
			require.GreaterOrEqual(t, r.Amount, rows[i-1].Amount)
		}
		if r.Kind == "payment" {
			paid += r.Paid
			require.NotEmpty(t, r.ProviderRef)
		} else if r.Status == "succeeded" {
			refunded += r.Amount
		}
	}
	var wantPaid, wantRefunded int64
	for _, p := range b.payments {
		wantPaid += p.paid
	}
	for _, r := range b.refunds {
		if r.status == "succeeded" {
			wantRefunded += r.amount
		}
	}
	require.Equal(t, wantPaid, paid)
	require.Equal(t, wantRefunded, refunded)
}

// reconcileHistory checks the money collected per portal month of the last twelve and the share of
// instalments paid on time against sums over the rows.
func reconcileHistory(t *testing.T, b book, now time.Time, d finance.Dashboard) {
	local := now.In(moscow)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, moscow).AddDate(0, -11, 0)
	collected := map[string]int64{}
	var months []string
	for k := range 12 {
		m := first.AddDate(0, k, 0).Format("2006-01")
		months, collected[m] = append(months, m), 0
	}
	for _, p := range b.payments {
		if m := ""; p.settled != nil {
			m = p.settled.In(moscow).Format("2006-01")
			if _, ok := collected[m]; ok {
				collected[m] += p.paid
			}
		}
	}
	var got []string
	gotSum := map[string]int64{}
	for _, m := range d.Collected {
		got, gotSum[m.Month] = append(got, m.Month), m.Minor
	}
	require.Equal(t, months, got, "the last twelve months, oldest first")
	require.Equal(t, collected, gotSum, "money collected by month")
	require.Equal(t, collected[months[11]], d.PaidMonth)
	var early int64
	for _, m := range months[:11] {
		early += collected[m]
	}
	require.Positive(t, early, "the history reaches back")

	var want finance.OnTime
	from, today := first.Format(time.DateOnly), local.Format(time.DateOnly)
	for _, i := range b.instalments {
		due := i.due.In(moscow).Format(time.DateOnly)
		if !i.active || i.cancelled || due < from || due >= today || i.paid == i.amount && i.paidOn == "" {
			continue
		}
		want.Due++
		if i.paid == i.amount && i.paidOn <= due {
			want.OnTime++
		}
	}
	require.Positive(t, want.OnTime)
	require.Less(t, want.OnTime, want.Due)
	require.Equal(t, want, d.OnTime, "paid on time")
}
