package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/yookassa"
	"b24pay/billing/yookassa/yookassafake"
	"b24pay/clock"
	"b24pay/mail"
	"b24pay/subscriptions"
)

// withYooKassaDown puts a gateway in front of the fake shop's API that answers 500 to reads
// while down is set (YooKassa or the network failing while a notification is re-checked).
func withYooKassaDown(t testing.TB, down *atomic.Bool) e2eOption {
	return func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string) {
		target, err := url.Parse(env["B24PAY_YOOKASSA_API_URL"])
		require.NoError(t, err)
		proxy := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && r.Method == http.MethodGet {
				http.Error(w, `{"type":"error","code":"internal_server_error"}`, http.StatusInternalServerError)
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		env["B24PAY_YOOKASSA_API_URL"] = srv.URL
	}
}

// paidFirstPeriod creates a card subscription and has the client pay its first period. The
// shop's notification never reaches the app (answered 503 on the way): it is returned raw.
func (e *e2e) paidFirstPeriod(shop *yookassafake.Shop) (link string, notification []byte) {
	e.t.Helper()
	require.Equal(e.t, http.StatusOK, func() int { s, _ := e.install(); return s }())
	var created struct {
		Subscription struct{ Link string } `json:"subscription"`
	}
	require.Equal(e.t, http.StatusCreated, e.api(e.openTab(e.dealID, 2), http.MethodPost, "/subscriptions", newSubscriptionForm(), &created))
	link = created.Subscription.Link
	_, location, _ := postConsent(e.t.(*testing.T), link, url.Values{"consent": {"1"}})
	require.Contains(e.t, location, "yoomoney.ru")
	app := e.app.Router()
	e.front.mu.Lock()
	e.front.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webhooks/yookassa" {
			app.ServeHTTP(w, r)
			return
		}
		notification, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	e.front.mu.Unlock()
	var ref string
	require.NoError(e.t, e.db.Table("subscription_charges").Select("provider_ref").Scan(&ref).Error)
	_, err := shop.Pay(ref)
	require.NoError(e.t, err)
	shop.Wait()
	e.front.mu.Lock()
	e.front.h = app
	e.front.mu.Unlock()
	require.NotEmpty(e.t, notification)
	return link, notification
}

// paidE2E is the harness with the card route (notifications allowed from networks) and a first
// period paid whose notification has not reached the app yet (returned raw).
func paidE2E(t *testing.T, dialect, networks string, opts ...e2eOption) (*e2e, []byte) {
	var shop *yookassafake.Shop
	e := newE2E(t, dialect, append([]e2eOption{withYooKassa(t, &shop, networks)}, opts...)...)
	_, body := e.paidFirstPeriod(shop)
	return e, body
}

func (e *e2e) postYooKassa(body []byte) int {
	resp, err := http.Post(e.url+"/webhooks/yookassa", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (e *e2e) subscriptionStatus() string {
	e.t.Helper()
	var st string
	require.NoError(e.t, e.db.Table("subscriptions").Select("status").Scan(&st).Error)
	return st
}

func (e *e2e) yookassaNotifications() []billing.Notification {
	e.t.Helper()
	var rows []billing.Notification
	require.NoError(e.t, e.db.Where("provider = ?", "yookassa").Order("id").Find(&rows).Error)
	return rows
}

// The same notification delivered many times at once is stored once and settles the charge once.
func TestYooKassaDuplicateNotificationsSettleOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		require.Empty(t, e.yookassaNotifications())

		statuses := make([]int, 8)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() { defer wg.Done(); statuses[i] = e.postYooKassa(body) }()
		}
		wg.Wait()
		for _, st := range statuses {
			require.Equal(t, http.StatusOK, st)
		}
		rows := e.yookassaNotifications()
		require.Len(t, rows, 1)
		require.Equal(t, billing.NoticeProcessed, rows[0].Status)
		require.Equal(t, string(body), rows[0].Body)
		require.Contains(t, rows[0].Headers, headerClientIP)
		n, err := yookassa.ParseNotification(body)
		require.NoError(t, err)
		require.Equal(t, n.ObjectID()+":payment.succeeded:succeeded", *rows[0].DedupKey)
		require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
		var paid int
		require.NoError(t, e.db.Table("subscriptions").Select("paid_count").Scan(&paid).Error)
		require.Equal(t, 1, paid)
		var receipts int64
		require.NoError(t, e.db.Table("outbox").Where("topic = ?", mail.Topic).Count(&receipts).Error)
		require.EqualValues(t, 1, receipts, "one receipt")
	})
}

// A notification stored while its re-check fails is answered for redelivery and retried through
// the outbox, which settles it once YooKassa answers again.
func TestYooKassaNotificationFailingToProcessIsRetried(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		var down atomic.Bool
		e, body := paidE2E(t, dialect, "127.0.0.1/32", withYooKassaDown(t, &down))
		down.Store(true)
		require.Equal(t, http.StatusInternalServerError, e.postYooKassa(body))
		rows := e.yookassaNotifications()
		require.Len(t, rows, 1)
		require.Equal(t, billing.NoticeFailed, rows[0].Status)
		require.Equal(t, subscriptions.StatusAwaitingConsent, e.subscriptionStatus())

		down.Store(false)
		e.drain()
		rows = e.yookassaNotifications()
		require.Equal(t, billing.NoticeProcessed, rows[0].Status)
		require.Equal(t, string(billing.OutcomeOK), rows[0].Result)
		require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
	})
}

// A notification stored by a process that stopped before processing it is settled at start.
func TestYooKassaNotificationLeftReceivedIsProcessedAtStart(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		n, err := yookassa.ParseNotification(body)
		require.NoError(t, err)
		key := n.DedupKey()
		headers, _ := json.Marshal(http.Header{headerClientIP: {"127.0.0.1"}})
		require.NoError(t, e.db.Create(&billing.Notification{Provider: "yookassa", DedupKey: &key, PaymentID: n.ObjectID(),
			Headers: string(headers), Body: string(body), Status: billing.NoticeReceived, ReceivedAt: e.clock.Now()}).Error)

		restarted, err := assemble(context.Background(), e.app.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock, e.db)
		require.NoError(t, err)
		_, err = restarted.outbox.Drain(context.Background())
		require.NoError(t, err)
		require.Equal(t, billing.NoticeProcessed, e.yookassaNotifications()[0].Status)
		require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
	})
}

// A notification from outside the allow-list is refused and kept only in bounded form.
func TestYooKassaNotificationFromAForeignAddressIsKeptBounded(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "185.71.76.0/27")
		padded := strings.Replace(string(body), `"type"`, `"padding":"`+strings.Repeat("x", 10000)+`","type"`, 1)
		require.Equal(t, http.StatusForbidden, e.postYooKassa([]byte(padded)))
		rows := e.yookassaNotifications()
		require.Len(t, rows, 1)
		require.Equal(t, billing.NoticeRejected, rows[0].Status)
		require.Equal(t, string(billing.OutcomeBadSignature), rows[0].Result)
		require.Nil(t, rows[0].DedupKey)
		require.LessOrEqual(t, len(rows[0].Body), 2048)
		require.Equal(t, subscriptions.StatusAwaitingConsent, e.subscriptionStatus())
		require.EqualValues(t, 1, e.app.payments.RejectedCount())
	})
}
