package subscriptions

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// subscribeMany subscribes n clients (distinct Bitrix24 contacts) on day.
func (tb *testBundle) subscribeMany(t *testing.T, n int, day string) []Subscription {
	t.Helper()
	subs := make([]Subscription, n)
	for i := range subs {
		in := monthly(day)
		in.Client.B24ID = int64(100 + i)
		in.Client.Email = fmt.Sprintf("client%d@example.ru", i)
		subs[i] = tb.subscribe(t, in)
	}
	return subs
}

// requireChargedOnce checks that every subscription's card was charged exactly once and that
// every period-1 charge succeeded.
func (tb *testBundle) requireChargedOnce(t *testing.T, subs []Subscription) {
	t.Helper()
	for _, sub := range subs {
		require.Equal(t, 1, tb.shop.Charges(sub.PaymentMethodID), "subscription %d", sub.ID)
		cs := tb.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, ChargeSucceeded, cs[1].Status)
		require.Equal(t, "2027-03-15", tb.sub(t, sub.ID).NextChargeOn)
	}
}

// Two replicas run the pass at the same moment on PostgreSQL: claims are disjoint and nothing is
// charged twice.
func TestTwoConcurrentPassesChargeNothingTwice(t *testing.T) {
	t.Parallel()
	tb := setup(t, storetest.New(t, store.Postgres), "2027-01-15", func(c *Config) { c.Batch, c.Workers = 3, 2 })
	subs := tb.subscribeMany(t, 30, "2027-01-15")
	tb.at(t, "2027-02-15")

	reports := make([]Report, 4)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range reports {
		wg.Go(func() {
			<-start
			rep, err := tb.svc.RunDue(context.Background(), tb.clock.Now())
			require.NoError(t, err)
			reports[i] = rep
		})
	}
	close(start)
	wg.Wait()

	var claimed int64
	for _, r := range reports {
		require.Zero(t, r.Errors)
		claimed += r.Claimed
	}
	require.EqualValues(t, len(subs), claimed, "each due subscription is claimed by one pass")
	tb.requireChargedOnce(t, subs)
}
