package invoicebox

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func paidOrder(t *testing.T, b *testBundle, id string) Order {
	t.Helper()
	o, err := b.client.CreateOrder(context.Background(), b.input(id))
	require.NoError(t, err)
	require.NoError(t, b.fake.Pay(o.ID, o.Amount))
	return o
}

// refundInput refunds part of the paid order's line (its sku, reference §8.2).
func refundInput(orderID, refundID, amount string) RefundInput {
	line := serviceLine(amount, VAT22)
	line.SKU = "PLAN-BUSINESS-2026-12"
	return RefundInput{
		OrderID: orderID, RefundID: refundID, Amount: dec(amount),
		Description: "Частичный возврат: 10 дней неиспользованного доступа",
		Lines:       []Line{line},
	}
}

// Refund lines come from refund-basket-item: the order's lines by sku with what is left.
func TestRefundLinesFromTheOrdersRefundableLines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o := paidOrder(t, b, "PAY-R6")
	_, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R6-R1", "3935.48"))
	require.NoError(t, err)
	lines, err := b.client.RefundableLines(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, lines, 1)
	require.Equal(t, "PLAN-BUSINESS-2026-12", lines[0].SKU)
	require.Equal(t, "8264.52", lines[0].Available.StringFixed(2))

	refund, err := RefundLinesFor(lines, dec("8264.52"))
	require.NoError(t, err)
	_, err = b.client.CreateRefund(ctx, RefundInput{OrderID: o.ID, RefundID: "PAY-R6-R2", Amount: dec("8264.52"),
		Description: "Остаток", Lines: refund})
	require.NoError(t, err)
	_, err = RefundLinesFor(lines, dec("8264.53"))
	require.ErrorIs(t, err, ErrInvalidInput, "never more than a line has left")
}

func TestPartialThenFullRefund(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o := paidOrder(t, b, "PAY-R1")

	r1, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R1-R1", "3935.48"))
	require.NoError(t, err)
	require.Equal(t, RefundCreated, r1.Status)
	require.Equal(t, o.ID, r1.OrderID)
	require.Equal(t, "709.68", r1.VATAmount.StringFixed(2), "the reference's refund example")

	r2, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R1-R2", "8264.52"))
	require.NoError(t, err)
	require.NotEqual(t, r1.ID, r2.ID)

	list, err := b.client.ListRefunds(ctx, o.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "12200.00", b.fake.RefundedAmount(o.ID).StringFixed(2))
}

func TestRefundRetryReturnsTheSameRefund(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o := paidOrder(t, b, "PAY-R2")
	first, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R2-R1", "1000"))
	require.NoError(t, err)
	again, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R2-R1", "1000"))
	require.NoError(t, err)
	require.Equal(t, first.ID, again.ID)
	require.Equal(t, "1000.00", b.fake.RefundedAmount(o.ID).StringFixed(2), "never refunded twice")
}

func TestRefundReusingAnIDForAnotherAmountIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o := paidOrder(t, b, "PAY-R3")
	_, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R3-R1", "1000"))
	require.NoError(t, err)
	_, err = b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R3-R1", "2000"))
	require.ErrorIs(t, err, ErrDuplicateOrderID)
}

func TestRefundMoreThanPaidIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o := paidOrder(t, b, "PAY-R4")
	_, err := b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R4-R1", "12200.01"))
	require.ErrorIs(t, err, ErrWrongAmount)
	require.True(t, b.fake.RefundedAmount(o.ID).IsZero())
}

func TestRefundOfUnpaidOrderIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-R5"))
	require.NoError(t, err)
	_, err = b.client.CreateRefund(ctx, refundInput(o.ID, "PAY-R5-R1", "100"))
	require.ErrorIs(t, err, ErrWrongOrderStatus)
}

func TestRefundInputValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.client.CreateRefund(context.Background(), RefundInput{OrderID: "x", Description: "d", Amount: dec("1"), Lines: []Line{serviceLine("1", VAT22)}})
	require.ErrorIs(t, err, ErrInvalidInput)
	require.Equal(t, 0, b.fake.Requests())
}
