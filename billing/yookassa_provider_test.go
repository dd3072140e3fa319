package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
	"b24pay/store"
	"b24pay/store/storetest"
)

// yookassaRefunds answers refunds as YooKassa may (reference §c.6): accepted as pending, read back
// pending, then succeeded once done is set.
type yookassaRefunds struct {
	posts, gets atomic.Int32
	keys        atomic.Value
	done        atomic.Bool
}

func (y *yookassaRefunds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status := "pending"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v3/refunds":
		y.posts.Add(1)
		y.keys.Store(r.Header.Get(yookassa.IdempotenceKeyHeader))
	case r.Method == http.MethodGet && r.URL.Path == "/v3/refunds/rf-1":
		y.gets.Add(1)
		if y.done.Load() {
			status = "succeeded"
		}
	default:
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": "rf-1", "payment_id": "yk-pay-1", "status": status,
		"amount": map[string]string{"value": "40.00", "currency": "RUB"}, "created_at": "2026-11-22T09:00:00.000Z"})
}

// The card route is refund-only: it takes no payment, survives a change of the routes, and refunds
// a payment recorded with RecordCollected (once per payable); a refund YooKassa leaves pending is
// read back by its id until it succeeds, never asked for twice.
func TestYooKassaRouteRefundsCollectedPayments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10000))
		ctx := context.Background()
		shop := &yookassaRefunds{}
		srv := httptest.NewServer(shop)
		t.Cleanup(srv.Close)
		client, err := yookassa.New(yookassa.Config{BaseURL: srv.URL, ShopID: "100500", SecretKey: "test_secret"})
		require.NoError(t, err)
		b.svc.ServeRefunds(NewYooKassa(client))
		b.svc.SetProviders(b.prov)
		require.False(t, b.svc.Has("yookassa"))
		require.True(t, b.svc.Serves("yookassa"), "kept when the routes change")
		_, err = b.svc.Pay(ctx, "m1", "instalment", 1, "yookassa")
		require.ErrorIs(t, err, ErrProviderNotConfigured)
		_, err = NewYooKassa(client).Create(ctx, Order{})
		require.ErrorIs(t, err, ErrRefundOnly)

		in := Collected{MemberID: "m1", Kind: "subscription_charge", ID: 5, Provider: "yookassa", Ref: "yk-pay-1",
			AmountMinor: 10000, Currency: "RUB", PaidAt: b.clock.Now()}
		p, err := b.svc.RecordCollected(ctx, db.DB, in)
		require.NoError(t, err)
		require.Equal(t, StatusSucceeded, p.Status)
		again, err := b.svc.RecordCollected(ctx, db.DB, in)
		require.NoError(t, err)
		require.Equal(t, p.ID, again.ID)
		dup := *p
		dup.ID, dup.PayToken = "pay_dup", "tok-dup"
		require.True(t, store.IsUniqueViolation(db.Create(&dup).Error), "one payment per charge")

		r, err := b.svc.Refund(ctx, p.ID, 4000, "Клиент не пользовался")
		require.NoError(t, err, "accepted, in progress")
		require.Equal(t, RefundPending, r.Status)
		require.Equal(t, r.ID, shop.keys.Load(), "our refund id is the Idempotence-Key")
		require.EqualValues(t, -4000, b.booked(t, 5))
		require.Equal(t, StatusPartiallyRefunded, b.payment(t, p.ID).Status)

		b.clock.Advance(createGrace + time.Second)
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now()))
		shop.done.Store(true)
		b.clock.Advance(24 * time.Hour)
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now()))
		var got Refund
		require.NoError(t, db.Where("id = ?", r.ID).Take(&got).Error)
		require.Equal(t, RefundSucceeded, got.Status)
		require.Equal(t, "rf-1", got.ProviderRef)
		require.EqualValues(t, 1, shop.posts.Load(), "asked once, then read back")
		require.EqualValues(t, 2, shop.gets.Load())
		require.EqualValues(t, -4000, b.booked(t, 5))
	})
}
