package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/finance"
	"b24pay/portal"
	"b24pay/schedules"
)

// leasingItem adds a 36-month leasing contract to «Платежи компании» as a person would: 50 000,00 a
// month of which 8 333,33 is interest, 1 500 000,00 of principal, first payment on 31 January.
func leasingItem(t *testing.T, e *e2e, cp portal.CompanyPayments) int {
	t.Helper()
	raw := e.rest("crm.item.add", map[string]any{"entityTypeId": cp.EntityTypeID, "fields": map[string]any{
		"title": "Лизинг погрузчика", "stageId": cp.Stages[portal.CompanyPaymentPlanned],
		cp.FieldName(portal.CPContractNumber): "Л-17/2026", cp.FieldName(portal.CPContractDate): "2026-12-20",
		cp.FieldName(portal.CPAmount): "50000.00", cp.FieldName(portal.CPInterest): "8333.33",
		cp.FieldName(portal.CPPayDate): "2027-01-31", cp.FieldName(portal.CPRegular): "Y",
		cp.FieldName(portal.CPEvery): 1, cp.FieldName(portal.CPUnit): "месяц",
		cp.FieldName(portal.CPTotalDebt): "1500000.00",
	}})
	var added struct {
		Item struct {
			ID int `json:"id"`
		} `json:"item"`
	}
	require.NoError(t, json.Unmarshal(raw, &added))
	return added.Item.ID
}

// field reads one field of the item as Bitrix24 shows it.
func field(t *testing.T, e *e2e, cp portal.CompanyPayments, id int, name string) string {
	t.Helper()
	it, ok := e.portal.Item(cp.EntityTypeID, id)
	require.True(t, ok)
	v := it[name]
	if v == nil {
		return ""
	}
	return strings.TrimSuffix(fmt.Sprint(v), "T00:00:00+03:00")
}

// A 36-month leasing contract marked paid month by month in Bitrix24: one event replayed, one pair of
// deliveries racing, one event lost and repaired by the re-sync. Every payment is booked once, the
// date advances from the anchor with the month-end clamp, the debt reaches exactly 0,00 after 36
// payments and the item stays closed in «Оплачен».
func TestCompanyLeasingPaidMonthByMonthThroughEvents(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		cp := e.provisioned().CompanyPayments
		require.True(t, cp.Provisioned())
		id := leasingItem(t, e, cp)
		ctx := context.Background()
		anchor := schedules.NewDate(2027, 1, 31)
		monthly := schedules.Period{Unit: schedules.Month, Every: 1}

		for month := 1; month <= 36; month++ {
			require.Equal(t, monthly.Nth(anchor, month-1).String(), field(t, e, cp, id, cp.FieldName(portal.CPPayDate)), "month %d", month)
			lost := month == 12 || month == 20
			if lost {
				e.portal.DropEvents(1, 1)
			}
			require.NoError(t, e.portal.UserUpdateItem(cp.EntityTypeID, id, map[string]any{"stageId": cp.Stages[portal.CompanyPaymentPaid]}))
			e.drain()
			e.portal.DropEvents(0, 0)
			switch month {
			case 12: // the event was lost: the periodic re-sync books it
				require.Equal(t, "11", field(t, e, cp, id, cp.FieldName(portal.CPPayCount)))
				require.NoError(t, e.app.resync(ctx, e.clock.Now()))
				e.drain()
			case 20: // lost, then two deliveries race (two replicas): one booking, the same state pushed
				var wg sync.WaitGroup
				booked := make([]bool, 2)
				for i := range booked {
					wg.Go(func() {
						var err error
						booked[i], err = e.app.finance.ApplyItem(ctx, e.portal.MemberID(), int64(id), 1)
						require.NoError(t, err)
					})
				}
				wg.Wait()
				require.ElementsMatch(t, []bool{true, false}, booked)
				e.drain()
			case 5: // delivered twice: the event of this month is posted to the app again
				replayLastItemEvent(t, e)
				e.drain()
			}
			require.Equal(t, itoa(int64(month)), field(t, e, cp, id, cp.FieldName(portal.CPPayCount)), "month %d", month)
		}
		require.NoError(t, e.app.resync(ctx, e.clock.Now())) // nothing left to book
		e.drain()

		require.Equal(t, cp.Stages[portal.CompanyPaymentPaid], field(t, e, cp, id, "stageId"), "closed in «Оплачен»")
		require.Equal(t, "36", field(t, e, cp, id, cp.FieldName(portal.CPPayCount)))
		require.True(t, decimal.RequireFromString(field(t, e, cp, id, cp.FieldName(portal.CPRemaining))).IsZero(), "remaining debt 0,00")
		require.Equal(t, "1800000", field(t, e, cp, id, cp.FieldName(portal.CPPaidTotal)))
		require.Equal(t, "0.12", field(t, e, cp, id, cp.FieldName(portal.CPExcess)), "the last principal above the debt")
		require.Equal(t, monthly.Nth(anchor, 35).String(), field(t, e, cp, id, cp.FieldName(portal.CPLastPaid)))

		var rows []finance.Booking
		require.NoError(t, e.db.Where("item_id = ?", id).Order("seq").Find(&rows).Error)
		require.Len(t, rows, 36)
		var principal int64
		for i, b := range rows {
			require.Equal(t, monthly.Nth(anchor, i).String(), b.PayDate)
			principal += b.PrincipalMinor
		}
		require.Equal(t, int64(150000000), principal)
		require.True(t, rows[35].Closed)
		require.Zero(t, rows[35].RemainingMinor)
		e.requireNoDeadOutbox()
	})
}

// replayLastItemEvent posts the last delivered item event to the app once more, as Bitrix24 does
// when it retries a delivery.
func replayLastItemEvent(t *testing.T, e *e2e) {
	t.Helper()
	events := e.portal.DeliveredEvents()
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		if strings.HasPrefix(ev.Event, "ONCRMDYNAMICITEMUPDATE") && !ev.Dropped {
			resp, err := http.PostForm(ev.HandlerURL, ev.Form)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			return
		}
	}
	t.Fatal("no item event was delivered")
}
