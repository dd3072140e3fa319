package finance_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/finance"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/store"
	"b24pay/store/storetest"
)

// contracts stores «Платежи компании» items as the calendar knows them, due around 2 December 2026.
func contracts(t *testing.T, db *store.DB, now time.Time, rows ...finance.ContractItem) {
	t.Helper()
	for _, r := range rows {
		r.MemberID, r.Currency, r.AmountMinor, r.UpdatedAt = member, "RUB", 50_000_00, now
		if r.Stage == "" {
			r.Stage = portal.CompanyPaymentPlanned
		}
		require.NoError(t, db.Create(&r).Error)
	}
}

// Four passes run at once (four replicas), then again the next day: each open contract due within
// three days gets exactly one reminder to its responsible user (the next day adds only the contract
// that came into the window); closed, cancelled, unassigned and past payments get none.
func TestCompanyPaymentRemindersAreSentOnceUnderConcurrentPasses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 1, 21, 30, 0, 0, time.UTC) // 2 December 00:30 in Moscow
		contracts(t, db, now,
			finance.ContractItem{ItemID: 1, Contract: "Л-1", PayDate: "2026-12-02", AssignedBy: 7},                                   // today
			finance.ContractItem{ItemID: 2, Contract: "Л-2", PayDate: "2026-12-05", AssignedBy: 8, Stage: portal.CompanyPaymentSent}, // in 3 days
			finance.ContractItem{ItemID: 3, Contract: "Л-3", PayDate: "2026-12-06", AssignedBy: 7},                                   // the next day
			finance.ContractItem{ItemID: 4, Contract: "Л-4", PayDate: "2026-12-01", AssignedBy: 7},                                   // past
			finance.ContractItem{ItemID: 5, Contract: "Л-5", PayDate: "2026-12-03", AssignedBy: 7, Closed: true, Stage: portal.CompanyPaymentPaid},
			finance.ContractItem{ItemID: 6, Contract: "Л-6", PayDate: "2026-12-03", AssignedBy: 7, Stage: portal.CompanyPaymentCancelled},
			finance.ContractItem{ItemID: 7, Contract: "Л-7", PayDate: "2026-12-03"}, // nobody to remind
		)
		svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
		svc.RemindDaysBefore(3)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { require.NoError(t, svc.RunReminders(context.Background(), now)) })
		}
		wg.Wait()
		require.NoError(t, svc.RunReminders(context.Background(), now.Add(24*time.Hour)))

		var sent []finance.Reminder
		require.NoError(t, db.Order("item_id").Find(&sent).Error)
		require.Len(t, sent, 3)
		require.Equal(t, []int64{1, 2, 3}, []int64{sent[0].ItemID, sent[1].ItemID, sent[2].ItemID})
		require.Equal(t, []int64{7, 8, 7}, []int64{sent[0].UserID, sent[1].UserID, sent[2].UserID})
		require.True(t, sent[0].SentAt.Equal(now) && sent[2].SentAt.Equal(now.Add(24*time.Hour)))
		var messages []outbox.Row
		require.NoError(t, db.Where("topic = ?", finance.TopicCompanyPaymentRemind).Order("id").Find(&messages).Error)
		require.Len(t, messages, 3, "one notification per contract and payment date")
		require.Contains(t, messages[0].Payload, "Л-1")
		require.Contains(t, messages[0].Payload, "50\u00a0000,00")
	})
}

// With reminders turned off (0 days) the pass sends nothing.
func TestCompanyPaymentRemindersOff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		contracts(t, db, now, finance.ContractItem{ItemID: 1, PayDate: "2026-12-01", AssignedBy: 7})
		svc := finance.NewService(db, clock.NewFrozen(now), moscow, nil, nil, nil)
		require.NoError(t, svc.RunReminders(context.Background(), now))
		var n int64
		require.NoError(t, db.Model(&finance.Reminder{}).Count(&n).Error)
		require.Zero(t, n)
	})
}
