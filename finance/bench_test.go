package finance_test

import (
	"context"
	"fmt"
	"os"
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

// seedLarge stores schedules × perSchedule instalments (a quarter paid, a tenth partly paid, due dates
// spread over two years around now) and one settled payment per schedule, with multi-row inserts.
func seedLarge(b *testing.B, db *store.DB, now time.Time, schedules, perSchedule int) {
	ctx := context.Background()
	exec := func(q string, args ...any) { require.NoError(b, db.WithContext(ctx).Exec(q, args...).Error) }
	exec(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, status, installed_at, updated_at)
 VALUES (?, 'fin.bitrix24.ru', 'x', 'x', 'installed', ?, ?)`, member, now, now)
	bulk := func(head string, cols int, n int, row func(i int) []any) {
		const batch = 1000
		for from := 0; from < n; from += batch {
			to := min(n, from+batch)
			var sb strings.Builder
			args := make([]any, 0, (to-from)*cols)
			for i := from; i < to; i++ {
				if i > from {
					sb.WriteString(",")
				}
				sb.WriteString("(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")")
				args = append(args, row(i)...)
			}
			exec(head+" VALUES "+sb.String(), args...)
		}
	}
	bulk(`INSERT INTO clients (id, member_id, entity_type, b24_id, name, updated_at)`, 6, schedules/5, func(i int) []any {
		return []any{i + 1, member, "company", i + 1, fmt.Sprintf("Клиент %d", i+1), now}
	})
	bulk(`INSERT INTO payment_schedules (id, member_id, owner_type, owner_id, title, client_id, scheme, currency, total_minor,
 plan, status, created_by, created_at, updated_at, responsible_id)`, 15, schedules, func(i int) []any {
		return []any{i + 1, member, "deal", i + 1, "Сделка", i%(schedules/5) + 1, "equal", "RUB", 0, "{}", "active", 1, now, now, i%20 + 1}
	})
	bulk(`INSERT INTO instalments (id, schedule_id, member_id, seq, kind, due, amount_minor, paid_minor, status, updated_at)`, 10,
		schedules*perSchedule, func(i int) []any {
			s, seq := i/perSchedule, i%perSchedule
			due := now.AddDate(0, seq-perSchedule/2, -(s % 28)).Format(time.DateOnly)
			amount, paid, status := int64(1_000_000+s%997), int64(0), "planned"
			switch {
			case i%4 == 0:
				paid, status = amount, "paid"
			case i%10 == 1:
				paid, status = amount/3, "partly_paid"
			}
			return []any{i + 1, s + 1, member, seq + 1, "regular", due, amount, paid, status, now}
		})
	bulk(`INSERT INTO payments (id, member_id, payable_kind, payable_id, provider, provider_ref, amount_minor, currency, paid_minor,
 refunded_minor, status, pay_token, created_at, updated_at, settled_at)`, 15, schedules, func(i int) []any {
		at := now.Add(-time.Duration(i%2000) * time.Hour)
		return []any{fmt.Sprint("p", i), member, "instalment", i + 1, "sbp", fmt.Sprint("r", i), 500_000, "RUB", 500_000, 0,
			"succeeded", fmt.Sprint("t", i), at, at, at}
	})
}

// BenchmarkDashboard measures the finance page's queries over 100 000 instalments: on PostgreSQL when
// B24PAY_TEST_POSTGRES_URL is set (bench/run.sh finance), else on SQLite.
func BenchmarkDashboard(b *testing.B) {
	dialect := store.SQLite
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dialect = store.Postgres
	}
	db := storetest.New(b, dialect)
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	seedLarge(b, db, now, 10_000, 10)
	require.NoError(b, db.Exec("ANALYZE").Error)
	svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
	ctx := context.Background()
	b.Run("figures", func(b *testing.B) {
		for b.Loop() {
			_, err := svc.Dashboard(ctx, member, finance.Filter{})
			require.NoError(b, err)
		}
	})
	// One manager of twenty, one quarter, one route: the filtered page view.
	filtered := finance.Filter{Manager: 3, From: schedules.NewDate(2026, 10, 1), To: schedules.NewDate(2026, 12, 31), Route: "sbp"}
	b.Run("figures-filtered", func(b *testing.B) {
		for b.Loop() {
			_, err := svc.Dashboard(ctx, member, filtered)
			require.NoError(b, err)
		}
	})
	b.Run("debtors-page-filtered", func(b *testing.B) {
		for b.Loop() {
			_, _, err := svc.Debtors(ctx, member, filtered, finance.Page{Sort: "overdue", Desc: true, Page: 1, Size: 50})
			require.NoError(b, err)
		}
	})
	b.Run("debtors-page", func(b *testing.B) {
		for b.Loop() {
			_, _, err := svc.Debtors(ctx, member, finance.Filter{}, finance.Page{Sort: "overdue", Desc: true, Page: 3, Size: 50})
			require.NoError(b, err)
		}
	})
	b.Run("register-page", func(b *testing.B) {
		for b.Loop() {
			_, _, err := svc.PaymentsRegister(ctx, member, finance.Filter{}, finance.Page{Page: 2, Size: 50})
			require.NoError(b, err)
		}
	})
}
