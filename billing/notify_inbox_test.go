package billing

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// Issue 11 item 5: unsigned notifications are kept only in bounded form, purged after the
// retention, and counted.
func TestRejectedNotificationsAreBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		big := strings.Repeat("x", 100_000)
		for range 3 {
			require.Equal(t, OutcomeBadSignature, b.svc.Receive(ctx, "stub", http.Header{"X-Junk": {big}}, []byte(big)))
		}
		require.EqualValues(t, 3, b.svc.RejectedCount())
		var rows []Notification
		require.NoError(t, db.Find(&rows).Error)
		require.Len(t, rows, 3)
		for _, r := range rows {
			require.LessOrEqual(t, len(r.Body), rejectedKeepBytes)
			require.LessOrEqual(t, len(r.Headers), rejectedKeepBytes)
		}
		n, err := b.svc.PurgeRejected(ctx, b.clock.Now().Add(rejectedRetention-time.Minute))
		require.NoError(t, err)
		require.Zero(t, n, "kept during the retention")
		require.NoError(t, b.svc.Reconcile(ctx, b.clock.Now().Add(rejectedRetention+time.Minute)))
		var left int64
		require.NoError(t, db.Model(&Notification{}).Count(&left).Error)
		require.Zero(t, left, "purged by the reconciliation pass after the retention")
	})
}

// Issue 11 item 9: a notification stored but left "received" by a crash is processed at start.
func TestNotificationLeftReceivedIsProcessedAtStart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, rub(10_000_00))
		ctx := context.Background()
		p, err := b.svc.Pay(ctx, "m1", "instalment", 1, "stub")
		require.NoError(t, err)
		key := "k1"
		row := Notification{Provider: "stub", DedupKey: &key, PaymentID: p.ID, Headers: `{"X-Ok":["1"]}`, Status: NoticeReceived,
			Body: `{"PaymentID":"` + p.ID + `","Status":"succeeded","Amount":"10000","Key":"k1"}`, ReceivedAt: b.clock.Now()}
		require.NoError(t, db.Create(&row).Error) // stored, then the process died before processing it

		n, err := b.svc.ResumeReceived(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		w := outbox.NewWorker(db, b.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), outbox.Config{}, nil)
		b.svc.Register(w)
		_, err = w.Drain(ctx)
		require.NoError(t, err)
		require.NoError(t, db.Where("id = ?", row.ID).Take(&row).Error)
		require.Equal(t, NoticeProcessed, row.Status)
		require.EqualValues(t, 10_000_00, b.booked(t, 1))
	})
}
