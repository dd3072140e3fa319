package app

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
)

// Issue 20: orders follow the amount. These tests edit an instalment that has an open order and
// check that exactly one live order remains, at the new amount, under the client's same link.

// editWithOpenOrder opens an order for instalment 2 through a route, then edits its amount from
// 10 000 to 12 000 in the tab; the caller runs the outbox. It returns the tab token, the
// instalment's id and the order as first opened.
func (e *e2e) editWithOpenOrder(route string) (string, int64, payResponse) {
	e.t.Helper()
	token, s := e.payable()
	in := s.Instalments[1]
	open := e.pay(token, in.ID, route)
	require.Equal(e.t, http.StatusOK, e.api(token, http.MethodPatch, "/instalments/"+itoa(in.ID),
		map[string]any{"amount": "12000.00", "due": in.Due}, nil))
	return token, in.ID, open
}

func TestEditWithAnOpenInvoiceboxOrderUpdatesItInPlace(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		_, id, open := e.editWithOpenOrder("invoicebox")
		e.drain() // the manager never clicks «Счёт Invoicebox» again

		live := e.livePayments(id)
		require.Len(t, live, 1)
		require.Equal(t, open.Payment.ID, live[0].ID, "the order was updated, not replaced")
		require.Equal(t, int64(12000_00), live[0].AmountMinor)
		order, _ := e.ib.Order(open.Payment.ID)
		require.True(t, order.Amount.Equal(decimal.NewFromInt(12000)), "Invoicebox asks the new amount: %s", order.Amount)
		require.Equal(t, 1, e.ib.OrdersCreated(open.Payment.ID))
		_, _, page := get(t, e.url+open.Payment.PayURL)
		require.Contains(t, page, "12\u00a0000,00")
	})
}

func TestInvoiceboxRefusingTheUpdateIsCancelledAndRecreated(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		_, id, open := e.editWithOpenOrder("invoicebox")
		e.ib.FailNext(1, false) // the update is refused
		e.drain()

		old, _ := e.ib.Order(open.Payment.ID)
		require.Equal(t, "canceled", old.Status, "the old order was cancelled first")
		require.Equal(t, billing.StatusCancelled, e.payment(open.Payment.ID).Status)
		live := e.livePayments(id)
		require.Len(t, live, 1, "exactly one live order")
		require.NotEqual(t, open.Payment.ID, live[0].ID)
		require.Equal(t, "/pay/"+live[0].PayToken, open.Payment.PayURL, "the client's link stays the same")
		fresh, _ := e.ib.Order(live[0].ID)
		require.Equal(t, "created", fresh.Status)
		require.True(t, fresh.Amount.Equal(decimal.NewFromInt(12000)))
		require.Equal(t, old.Expiration.Unix(), fresh.Expiration.Unix(), "the deadline the client was given is kept")
		require.Error(t, e.ib.Pay(open.Payment.ID, decimal.NewFromInt(10000)), "the old order cannot be paid")
	})
}

// A partial payment marked in Bitrix24 moves the open order to what is left, without a click.
func TestPartialPaymentMovesTheOpenOrderToTheRest(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		open := e.pay(token, s.Instalments[0].ID, "invoicebox")
		prov := e.provisioned()
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(e.spaItems()[1]["id"]),
			map[string]any{prov.FieldName("PAID"): "4000.00"}))
		e.drain()
		order, _ := e.ib.Order(open.Payment.ID)
		require.True(t, order.Amount.Equal(decimal.NewFromInt(6000)), "the order follows: %s", order.Amount)
		require.Equal(t, int64(6000_00), e.payment(open.Payment.ID).AmountMinor)
	})
}

// The client pays the old QR while the edit's switch runs: the money is booked once, and at no
// point are two QRs of the instalment payable.
func TestPaymentForTheOldOrderDuringTheSwitchIsBookedOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		token, id, open := e.editWithOpenOrder("sbp")

		var wg sync.WaitGroup
		var payErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _ = e.app.outbox.Drain(context.Background()) // the switch
		}()
		go func() {
			defer wg.Done()
			_, payErr = e.bank.Pay(open.Payment.ID, decimal.NewFromInt(10000)) // the client, at the same moment
		}()
		wg.Wait()
		e.drain()
		require.NoError(t, e.app.payments.Reconcile(context.Background(), e.clock.Now()))
		e.drain()

		paid := e.instalmentRow(token, 2).Paid
		live := e.livePayments(id)
		require.LessOrEqual(t, len(live), 1, "never two live orders")
		if payErr == nil { // the old QR was paid before its cancel: booked once
			require.Equal(t, "10000.00", paid)
			require.Equal(t, billing.StatusSucceeded, e.payment(open.Payment.ID).Status)
			for _, p := range live {
				require.Equal(t, int64(2000_00), p.AmountMinor, "a live order asks only what is left")
			}
			return
		}
		require.Equal(t, "0.00", paid, "the cancelled QR took no money")
		require.Len(t, live, 1)
		require.Equal(t, int64(12000_00), live[0].AmountMinor)
		require.Equal(t, "CANCELLED", e.bank.QRStatus(e.payment(open.Payment.ID).ProviderRef))
	})
}
