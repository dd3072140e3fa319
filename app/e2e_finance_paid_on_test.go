package app

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
)

// paidOn reads the day each instalment of the deal's schedule was paid in full, by seq.
func (e *e2e) paidOn() map[int]string {
	e.t.Helper()
	var rows []struct {
		Seq    int
		PaidOn string
	}
	require.NoError(e.t, e.app.db.Raw(`SELECT i.seq, i.paid_on FROM instalments i JOIN payment_schedules s ON s.id = i.schedule_id
 WHERE s.owner_id = ? AND s.status = 'active' ORDER BY i.seq`, e.dealID).Scan(&rows).Error)
	out := map[int]string{}
	for _, r := range rows {
		out[r.Seq] = r.PaidOn
	}
	return out
}

// An instalment's paid-on day is the portal day of the payment that completed it, whichever way the
// money came: a provider payment after a part marked in Bitrix24, the «Оплачен» stage moved by hand,
// an amount larger than the instalment spread over the next ones; a refund reopens it.
func TestInstalmentPaidOnIsTheDayOfThePaymentThatCompletedIt(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		prov := e.provisioned()
		items := e.spaItems()
		day := func() string { return e.clock.Now().In(e.app.cfg.Timezone).Format(time.DateOnly) }

		// A part marked in Bitrix24 leaves the instalment open.
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[1]["id"]),
			map[string]any{prov.FieldName("PAID"): "4000.00"}))
		e.drain()
		require.Empty(t, e.paidOn()[1])

		// Two days later (21:30 UTC: already the next day in Moscow) the provider pays the rest.
		e.clock.Set(time.Date(2026, 11, 24, 21, 30, 0, 0, time.UTC))
		token = e.openTab(e.dealID, 2) // the tab's token of two days ago has expired
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		require.NoError(t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(6000)))
		e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
		e.drain()
		require.Equal(t, "2026-11-25", e.paidOn()[1])
		require.Equal(t, "2026-11-25", day())

		// «Оплачен» moved by hand, a day later.
		e.clock.Advance(24 * time.Hour)
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[2]["id"]),
			map[string]any{"stageId": prov.Stages["paid"]}))
		e.drain()
		require.Equal(t, "2026-11-26", e.paidOn()[2])

		// 25 000 marked on the third: it pays the third and the fourth, and part of the fifth.
		e.clock.Advance(24 * time.Hour)
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[3]["id"]),
			map[string]any{prov.FieldName("PAID"): "25000.00"}))
		e.drain()
		got := e.paidOn()
		require.Equal(t, "2026-11-27", got[3])
		require.Equal(t, "2026-11-27", got[4])
		require.Empty(t, got[5])
		require.Equal(t, "2026-11-25", got[1], "a later payment does not move an earlier paid-on day")

		// A refund reopens the first instalment.
		_, err := e.app.payments.Refund(context.Background(), pay.Payment.ID, 100000, "возврат")
		require.NoError(t, err)
		e.drain()
		require.Empty(t, e.paidOn()[1])
		e.requireNoDeadOutbox()
	})
}
