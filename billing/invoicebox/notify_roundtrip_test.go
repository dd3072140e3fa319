package invoicebox

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fake signs and shapes notifications like Invoicebox; our inbound functions accept them.
func TestPaymentNotificationRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := paidOrder(t, b, "PAY-N1")
	seen := b.sink.notifications()
	require.Len(t, seen, 1)
	n := seen[0]
	require.Equal(t, o.ID, n.InvoiceboxID)
	require.Equal(t, "PAY-N1", n.MerchantOrderID)
	require.True(t, n.Paid())
	require.True(t, n.Amount.Equal(o.Amount))
	require.True(t, n.ForMerchant(b.client.MerchantID()))
	require.Equal(t, 1, b.fake.NotificationsSent())
}

func TestNotificationRetriedUntilSuccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.sink.answers(OutOfService(), OutOfService())
	o := paidOrder(t, b, "PAY-N2")
	d := b.fake.Deliveries()
	require.Len(t, d, 3)
	require.Equal(t, "out_of_service", d[0].AnswerCode)
	require.True(t, d[2].Accepted)
	seen := b.sink.notifications()
	require.Len(t, seen, 3)
	for _, n := range seen {
		require.Equal(t, seen[0].DedupKey, n.DedupKey, "retries carry the same dedup key")
	}
	require.Equal(t, o.ID, seen[0].InvoiceboxID)
}

func TestDuplicateAndOutOfOrderDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-N3"))
	require.NoError(t, err)
	b.fake.HoldNotifications()
	require.NoError(t, b.fake.Notify(o.ID)) // a stale "created" notification
	require.NoError(t, b.fake.Pay(o.ID, o.Amount))
	require.Empty(t, b.sink.notifications())
	b.fake.DuplicateDeliveries(1)
	b.fake.Release(true)

	seen := b.sink.notifications()
	require.Len(t, seen, 4)
	require.Equal(t, StatusCompleted, seen[0].Status, "paid arrives before created")
	require.Equal(t, seen[0].DedupKey, seen[1].DedupKey)
	require.Equal(t, StatusCreated, seen[2].Status)
	require.NotEqual(t, seen[0].DedupKey, seen[2].DedupKey)
}

func TestWrongAmountNotification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o, err := b.client.CreateOrder(context.Background(), b.input("PAY-N4"))
	require.NoError(t, err)
	require.NoError(t, b.fake.Pay(o.ID, dec("100.00")))
	seen := b.sink.notifications()
	require.Len(t, seen, 1)
	require.False(t, seen[0].Amount.Equal(o.Amount))
}

func TestProbeNotification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.SendProbe()
	seen := b.sink.notifications()
	require.Len(t, seen, 1)
	require.True(t, seen[0].Probe)
	require.Empty(t, seen[0].MerchantOrderID)
	require.True(t, b.fake.Deliveries()[0].Accepted)
}

func TestBase64SignedNotificationAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{base64: true})
	paidOrder(t, b, "PAY-N5")
	d := b.fake.Deliveries()
	require.Len(t, d, 1)
	require.Len(t, d[0].Signature, 28, "base64 of a SHA-1 MAC")
	require.True(t, d[0].Accepted)
	require.Empty(t, b.sink.failures())
}
