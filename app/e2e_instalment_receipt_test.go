package app

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/mail"
)

// letters are the e-mails the outbox holds.
func (e *e2e) letters() []mail.Letter {
	e.t.Helper()
	var payloads []string
	require.NoError(e.t, e.db.Table("outbox").Where("topic = ?", mail.Topic).Order("id").Pluck("payload", &payloads).Error)
	out := make([]mail.Letter, len(payloads))
	for i, p := range payloads {
		require.NoError(e.t, json.Unmarshal([]byte(p), &out[i]))
	}
	return out
}

// The same payment reported at once by Invoicebox's notification and by several reconciliation
// passes is booked once and the client gets one receipt, written with the booking.
func TestPaidInstalmentMailsTheClientOneReceipt(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		var deal struct {
			CompanyID string `json:"COMPANY_ID"`
		}
		require.NoError(t, json.Unmarshal(e.rest("crm.deal.get", map[string]any{"id": e.dealID}), &deal))
		e.rest("crm.company.update", map[string]any{"id": deal.CompanyID, "fields": map[string]any{
			"EMAIL": []any{map[string]any{"VALUE": "buh@romashka.example.ru", "VALUE_TYPE": "WORK"}}}})
		token, s := e.payable()
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		e.ib.HoldNotifications()
		require.NoError(t, e.ib.Pay(pay.Payment.ID, decimal.NewFromInt(10000)))

		later := e.clock.Now().Add(48 * time.Hour)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = e.app.payments.Reconcile(context.Background(), later) }()
		}
		wg.Add(1)
		go func() { defer wg.Done(); e.ib.Release(false) }()
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		e.waitStatus(pay.Payment.ID, billing.StatusSucceeded)
		e.drain()

		require.Equal(t, "10000.00", e.instalmentRow(token, 1).Paid, "booked once")
		letters := e.letters()
		require.Len(t, letters, 1, "one receipt")
		l := letters[0]
		require.Equal(t, "buh@romashka.example.ru", l.To)
		require.Equal(t, mail.InstalmentReceipt, l.Kind)
		require.Equal(t, "10\u00a0000,00\u00a0₽", l.Data.Amount)
		require.Equal(t, "110\u00a0000,00\u00a0₽", l.Data.Remaining)
		require.Equal(t, "10\u00a0000,00\u00a0₽", l.Data.NextAmount)
		require.Equal(t, s.Instalments[1].Due, l.Data.NextDate[6:]+"-"+l.Data.NextDate[3:5]+"-"+l.Data.NextDate[:2])
		e.requireNoDeadOutbox()
	})
}
