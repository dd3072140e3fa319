package subscriptions

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/invoicebox"
	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
)

// invoiceBundle is the service with the invoice route on: billing with the Invoicebox provider
// against the Invoicebox fake, whose notifications reach billing's inbox as the webhook does.
type invoiceBundle struct {
	*testBundle
	ib       *invoiceboxfake.Server
	payments *billing.Service
	creates  *recordCreates
}

const invoiceNotifyKey = "notify-key"

func setupInvoices(t *testing.T, db *store.DB, day string, edit ...func(*Config)) *invoiceBundle {
	t.Helper()
	b := &invoiceBundle{testBundle: setup(t, db, day, edit...), creates: &recordCreates{next: http.DefaultTransport}}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		answer := invoicebox.OutOfService()
		switch b.payments.Receive(r.Context(), "invoicebox", r.Header, body) {
		case billing.OutcomeOK:
			answer = invoicebox.Success()
		case billing.OutcomeUnknownPayment:
			answer = invoicebox.OrderNotFound()
		}
		w.Header().Set("Content-Type", invoicebox.ContentType)
		w.WriteHeader(answer.HTTPStatus)
		_, _ = w.Write(answer.Body())
	}))
	t.Cleanup(hook.Close)
	b.ib = invoiceboxfake.New(invoiceboxfake.Options{NotificationKey: invoiceNotifyKey, Now: b.clock.Now, NotifyAttempts: 2})
	srv := httptest.NewServer(b.ib)
	t.Cleanup(srv.Close)
	prov, err := billing.NewInvoicebox(invoicebox.Config{BaseURL: srv.URL, Token: invoicebox.Secret(b.ib.Token()),
		MerchantID: b.ib.MerchantID(), NotificationKey: invoiceNotifyKey, HTTPClient: &http.Client{Transport: b.creates},
		Logger: slog.New(slog.DiscardHandler)}, invoicebox.VAT22)
	require.NoError(t, err)
	b.payments = billing.NewService(db, b.clock, slog.New(slog.DiscardHandler), b.svc, billing.Config{PublicURL: hook.URL}, prov)
	b.svc.UseInvoicebox(b.payments)
	b.svc.UseRefunds(b.payments)
	return b
}

// recordCreates keeps the bodies of create-order requests.
type recordCreates struct {
	next   http.RoundTripper
	mu     sync.Mutex
	bodies []string
}

func (r *recordCreates) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/order/order") && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.bodies = append(r.bodies, string(body))
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *recordCreates) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// company seeds our copy of a client company with its requisites (as the tab's deal load does).
func (b *invoiceBundle) company(t *testing.T, b24ID int64, trusted bool) {
	t.Helper()
	require.NoError(t, b.db.Exec(`INSERT INTO clients (member_id, entity_type, b24_id, name, inn, kpp, legal_address,
		email, phone, trusted, updated_at) VALUES (?, 'company', ?, 'ООО «Вектор»', '7710044140', '770201001',
		'125009, г. Москва, ул. Примерная, д. 1', 'buh@vector.example', '79001112233', ?, ?)`,
		member, b24ID, trusted, b.clock.Now()).Error)
}

func invoiceMonthly(start string, b24ID int64) CreateInput {
	in := monthly(start)
	in.Client = ClientRef{EntityType: "company", B24ID: b24ID, Name: "ООО «Вектор»", Email: "buh@vector.example"}
	in.Amount, in.Route = decimal.RequireFromString("12200"), RouteInvoicebox
	return in
}

// subscribeInvoices creates an invoice subscription for a company and the client agrees; the
// first period's invoice is issued at once when it has started.
func (b *invoiceBundle) subscribeInvoices(t *testing.T, in CreateInput) (Subscription, string) {
	t.Helper()
	ctx := context.Background()
	sub, err := b.svc.Create(ctx, in)
	require.NoError(t, err)
	link, err := b.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
	require.NoError(t, err)
	return b.sub(t, sub.ID), link
}

// payInvoice acts as the client paying the charge's open invoice in full; the fake notifies billing.
func (b *invoiceBundle) payInvoice(t *testing.T, chargeID string) {
	t.Helper()
	var c Charge
	require.NoError(t, b.db.Where("id = ?", chargeID).Take(&c).Error)
	require.Equal(t, ChargePending, c.Status, chargeID)
	require.NoError(t, b.ib.Pay(c.ProviderRef, major(c.OwedMinor(), c.Currency))) // what the invoice asks
}

// payments lists billing's payments of a charge's invoice, oldest first.
func (b *invoiceBundle) invoicePayments(t *testing.T, chargeID string) []billing.Payment {
	t.Helper()
	var inv invoiceRow
	require.NoError(t, b.db.Where("charge_id = ?", chargeID).Take(&inv).Error)
	var ps []billing.Payment
	require.NoError(t, b.db.Where("payable_kind = ? AND payable_id = ?", InvoiceKind, inv.ID).Order("created_at, id").Find(&ps).Error)
	return ps
}

// requireOneOrderEach checks that every payment of the charge made exactly one order.
func (b *invoiceBundle) requireOneOrderEach(t *testing.T, chargeID string, payments int) {
	t.Helper()
	ps := b.invoicePayments(t, chargeID)
	require.Len(t, ps, payments, chargeID)
	for _, p := range ps {
		require.Equal(t, 1, b.ib.OrdersCreated(p.ID), p.ID)
	}
}

// lettersOf lists the queued letters of one kind.
func (b *invoiceBundle) lettersOf(t *testing.T, kind mail.Kind) []mail.Letter {
	t.Helper()
	var out []mail.Letter
	for _, l := range b.letters(t) {
		if l.Kind == kind {
			out = append(out, l)
		}
	}
	return out
}

// runOutbox delivers the queued messages of a topic to h, as the outbox worker does.
func (b *invoiceBundle) runOutbox(t *testing.T, topic string, h func(context.Context, outbox.Job) error) {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, b.db.Where("topic = ?", topic).Order("id").Find(&rows).Error)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		require.NoError(t, h(context.Background(), outbox.Job{ID: r.ID, Topic: r.Topic, MemberID: r.MemberID, Payload: []byte(r.Payload)}))
	}
}

// b24Comments lists the timeline comments queued for Bitrix24, in order.
func (b *invoiceBundle) b24Comments(t *testing.T) []string {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, b.db.Where("topic = ?", TopicB24Sync).Order("id").Find(&rows).Error)
	out := make([]string, len(rows))
	for i, r := range rows {
		var p B24Sync
		require.NoError(t, json.Unmarshal([]byte(r.Payload), &p))
		out[i] = p.Comment
	}
	return out
}

// later moves the clock past the lease of the last pass, on the same day.
func (b *invoiceBundle) later(t *testing.T) {
	t.Helper()
	b.clock.Set(b.clock.Now().Add(6 * time.Minute))
}
