package sbp_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
	"b24pay/billing/sbp/sbpfake"
)

func bindingsOn(c *sbpfake.Config) { c.Subscriptions = true }

func TestBindingCreatedInactiveThenSubscribedByThePayer(t *testing.T) {
	t.Parallel()
	tb := setupBank(t, bindingsOn)
	ctx := context.Background()
	b, err := tb.client.CreateBinding(ctx, "sub-1", "Подписка на обслуживание")
	require.NoError(t, err)
	require.Equal(t, sbp.BindingInactive, b.Status)
	require.True(t, strings.HasPrefix(b.QR.Payload, "https://sub.nspk.ru/"), b.QR.Payload)
	require.Contains(t, b.QR.Payload, "type=03")

	require.NoError(t, tb.bank.Bind("sub-1"))
	b, err = tb.client.BindingState(ctx, "sub-1")
	require.NoError(t, err)
	require.Equal(t, sbp.BindingSubscribed, b.Status)
	require.NotEmpty(t, b.Bank)

	c, err := tb.client.ChargeBinding(ctx, sbp.ChargeInput{BindingID: "sub-1", OrderID: "sc-1-1-a1",
		Amount: decimal.RequireFromString("990.50"), Purpose: "Подписка, декабрь"})
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentSuccess, c.Status)
	require.True(t, decimal.RequireFromString("990.5").Equal(c.Amount))

	got, err := tb.client.BindingCharge(ctx, "sub-1", "sc-1-1-a1")
	require.NoError(t, err)
	require.Equal(t, c, got)

	tb.bank.WaitCallbacks() // "a normal payment callback follows on success"
	notes, errs := tb.receiver.notifications()
	require.Empty(t, errs)
	require.Len(t, notes, 1)
	require.Equal(t, "sc-1-1-a1", notes[0].OrderID)
	require.Equal(t, sbp.PaymentSuccess, notes[0].Status)
}

func TestBindingRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	charge := sbp.ChargeInput{BindingID: "sub-2", OrderID: "o-1", Amount: decimal.NewFromInt(10)}

	off := setup(t) // the bank has not enabled subscriptions for the merchant
	_, err := off.client.CreateBinding(ctx, "sub-2", "Подписка")
	require.ErrorIs(t, err, sbp.ErrInvalidRequest)
	_, err = off.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "o-0", Amount: decimal.NewFromInt(10),
		Binding: &sbp.BindingOffer{ID: "sub-2", Purpose: "Подписка"}})
	require.ErrorIs(t, err, sbp.ErrInvalidRequest)
	_, err = off.client.ChargeBinding(ctx, charge)
	require.ErrorIs(t, err, sbp.ErrInvalidRequest)

	tb := setupBank(t, bindingsOn)
	_, err = tb.client.ChargeBinding(ctx, charge)
	require.ErrorIs(t, err, sbp.ErrNotFound, "no such binding")
	_, err = tb.client.CreateBinding(ctx, "sub-2", "Подписка")
	require.NoError(t, err)
	_, err = tb.client.ChargeBinding(ctx, charge)
	require.ErrorIs(t, err, sbp.ErrInvalidRequest, "the payer has not agreed yet")
	require.NoError(t, tb.bank.Bind("sub-2"))
	_, err = tb.client.ChargeBinding(ctx, charge)
	require.NoError(t, err)
	_, err = tb.client.ChargeBinding(ctx, charge)
	require.ErrorIs(t, err, sbp.ErrAlreadyPaid, "an order is charged once")
	require.NoError(t, tb.bank.Unbind("sub-2"))
	charge.OrderID = "o-2"
	_, err = tb.client.ChargeBinding(ctx, charge)
	require.ErrorIs(t, err, sbp.ErrInvalidRequest, "revoked by the payer")
	_, err = tb.client.BindingCharge(ctx, "sub-2", "o-2")
	require.ErrorIs(t, err, sbp.ErrNotFound)

	_, err = tb.client.CreateBinding(ctx, "bad id!", "Подписка")
	require.ErrorIs(t, err, sbp.ErrInvalidOrder, "checked before calling")
	_, err = tb.client.CreateBinding(ctx, "sub-3", "")
	require.ErrorIs(t, err, sbp.ErrInvalidRequest)
	require.Equal(t, 0, tb.bank.Charges("sub-3"))
}

func TestPayAndBindBindsWhenPaid(t *testing.T) {
	t.Parallel()
	tb := setupBank(t, bindingsOn)
	ctx := context.Background()
	qr, err := tb.client.RegisterQR(ctx, sbp.RegisterQRInput{OrderID: "sc-4-0-a1", Amount: decimal.NewFromInt(500),
		Binding: &sbp.BindingOffer{ID: "sc-4-0-a1", Purpose: "Подписка на сервис"}})
	require.NoError(t, err)
	b, err := tb.client.BindingState(ctx, "sc-4-0-a1")
	require.NoError(t, err)
	require.Equal(t, sbp.BindingInactive, b.Status)
	require.Equal(t, qr.ID, b.QR.ID)

	_, err = tb.bank.Pay("sc-4-0-a1", decimal.NewFromInt(500))
	require.NoError(t, err)
	b, err = tb.client.BindingState(ctx, "sc-4-0-a1")
	require.NoError(t, err)
	require.Equal(t, sbp.BindingSubscribed, b.Status)
}

func TestBindingChargeDeclinedAndInProgress(t *testing.T) {
	t.Parallel()
	tb := setupBank(t, bindingsOn)
	ctx := context.Background()
	_, err := tb.client.CreateBinding(ctx, "sub-5", "Подписка")
	require.NoError(t, err)
	require.NoError(t, tb.bank.Bind("sub-5"))

	tb.bank.SetChargeOutcome("DECLINED")
	c, err := tb.client.ChargeBinding(ctx, sbp.ChargeInput{BindingID: "sub-5", OrderID: "o-d", Amount: decimal.NewFromInt(1)})
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentDeclined, c.Status)

	tb.bank.SetChargeOutcome("IN_PROGRESS")
	c, err = tb.client.ChargeBinding(ctx, sbp.ChargeInput{BindingID: "sub-5", OrderID: "o-p", Amount: decimal.NewFromInt(1)})
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentInProgress, c.Status)
	require.NoError(t, tb.bank.FinishCharge("sub-5", "o-p", "SUCCESS"))
	c, err = tb.client.BindingCharge(ctx, "sub-5", "o-p")
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentSuccess, c.Status)
}

// A charge whose answer is lost (the bank carried it out) is found by a lookup, and charging the
// same order again is refused: concurrent or repeated charges of one order debit once.
func TestBindingChargeLostAnswerAndConcurrentRepeats(t *testing.T) {
	t.Parallel()
	tb := setupBank(t, bindingsOn, func(c *sbp.Config) { c.Timeout = 50 * time.Millisecond })
	ctx := context.Background()
	_, err := tb.client.CreateBinding(ctx, "sub-6", "Подписка")
	require.NoError(t, err)
	require.NoError(t, tb.bank.Bind("sub-6"))

	tb.bank.SetDelay(time.Second)
	in := sbp.ChargeInput{BindingID: "sub-6", OrderID: "o-lost", Amount: decimal.NewFromInt(7)}
	_, err = tb.client.ChargeBinding(ctx, in)
	require.ErrorIs(t, err, sbp.ErrUnknownOutcome)
	tb.bank.SetDelay(0)
	c, err := tb.client.BindingCharge(ctx, "sub-6", "o-lost")
	require.NoError(t, err)
	require.Equal(t, sbp.PaymentSuccess, c.Status)

	in.OrderID = "o-race"
	var wg sync.WaitGroup
	var mu sync.Mutex
	succeeded := 0
	for range 8 {
		wg.Go(func() {
			if _, err := tb.client.ChargeBinding(ctx, in); err == nil {
				mu.Lock()
				succeeded++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Equal(t, 1, succeeded)
	require.Equal(t, 2, tb.bank.Charges("sub-6"))
}
