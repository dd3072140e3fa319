package subscriptions

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/billing/yookassa"
	"b24pay/billing/yookassa/yookassafake"
	"b24pay/clock"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
)

const member = "portal-1"

type testBundle struct {
	db    *store.DB
	clock *clock.Frozen
	shop  *yookassafake.Shop
	svc   *Service
	// payments is billing with the card route's refund-only provider: refunds of charges go there
	payments *billing.Service
	yk       *yookassa.Client
	drop     *dropRefunds
}

// setup builds the service against a fake YooKassa on db, with the clock at 09:00 Moscow time on
// day (YYYY-MM-DD).
func setup(t *testing.T, db *store.DB, day string, edit ...func(*Config)) *testBundle {
	t.Helper()
	tb := &testBundle{db: db, clock: clock.NewFrozen(moscowMorning(t, day))}
	tb.shop = yookassafake.New(yookassafake.Config{ShopID: "100500", SecretKey: "test_secret", Now: tb.clock.Now})
	srv := httptest.NewServer(tb.shop)
	t.Cleanup(srv.Close)
	tb.drop = &dropRefunds{next: http.DefaultTransport}
	client, err := yookassa.New(yookassa.Config{BaseURL: srv.URL, ShopID: "100500", SecretKey: "test_secret",
		HTTPClient: &http.Client{Transport: tb.drop}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	cfg := Config{Merchant: "ООО «Ромашка»", PublicURL: "https://pay.example.ru"}
	for _, e := range edit {
		e(&cfg)
	}
	tb.svc, err = NewService(db, tb.clock, slog.New(slog.DiscardHandler), cfg, YooKassa{Client: client})
	require.NoError(t, err)
	tb.yk = client
	tb.payments = billing.NewService(db, tb.clock, slog.New(slog.DiscardHandler), tb.svc, billing.Config{PublicURL: cfg.PublicURL})
	tb.payments.ServeRefunds(billing.NewYooKassa(client))
	tb.svc.UseRefunds(tb.payments)
	require.NoError(t, db.Exec(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, status,
		installed_at, updated_at) VALUES (?, 'x.bitrix24.ru', 'https://x.bitrix24.ru/rest/', 'https://oauth.bitrix.info/rest/',
		'installed', ?, ?)`, member, tb.clock.Now(), tb.clock.Now()).Error)
	return tb
}

func moscowMorning(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", time.FixedZone("MSK", 3*3600))
	require.NoError(t, err)
	return d.UTC()
}

// at moves the frozen clock to 09:00 Moscow time on day.
func (tb *testBundle) at(t *testing.T, day string) {
	t.Helper()
	tb.clock.Set(moscowMorning(t, day))
}

func (tb *testBundle) run(t *testing.T) Report {
	t.Helper()
	rep, err := tb.svc.RunDue(context.Background(), tb.clock.Now())
	require.NoError(t, err)
	require.Zero(t, rep.Errors)
	return rep
}

func monthly(start string) CreateInput {
	return CreateInput{MemberID: member, Client: ClientRef{EntityType: "contact", B24ID: 17, Name: "Иван Петров",
		Email: "ivan@example.ru"}, DealID: 5, ManagerID: 1, Title: "Подписка «Бизнес»",
		Amount: decimal.RequireFromString("990"), Currency: "RUB", PeriodUnit: "month", PeriodEvery: 1,
		Start: start, EndKind: EndOpen, Route: RouteCard}
}

// subscribe creates a subscription, gives consent and pays the first period with a new card.
func (tb *testBundle) subscribe(t *testing.T, in CreateInput) Subscription {
	t.Helper()
	ctx := context.Background()
	sub, err := tb.svc.Create(ctx, in)
	require.NoError(t, err)
	url, err := tb.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
	require.NoError(t, err)
	require.Contains(t, url, "yoomoney.ru")
	tb.payPending(t, chargeID(sub.ID, 0))
	sub, err = tb.svc.Get(ctx, member, sub.ID)
	require.NoError(t, err)
	require.Equal(t, StatusActive, sub.Status)
	require.NotEmpty(t, sub.PaymentMethodID)
	return sub
}

// payPending acts as the client paying on the gateway's page, then as the return page.
func (tb *testBundle) payPending(t *testing.T, id string) Charge {
	t.Helper()
	var c Charge
	require.NoError(t, tb.db.Where("id = ?", id).Take(&c).Error)
	_, err := tb.shop.Pay(c.ProviderRef)
	require.NoError(t, err)
	c, err = tb.svc.Refresh(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, ChargeSucceeded, c.Status)
	return c
}

func (tb *testBundle) sub(t *testing.T, id int64) Subscription {
	t.Helper()
	sub, err := tb.svc.Get(context.Background(), member, id)
	require.NoError(t, err)
	return sub
}

func (tb *testBundle) charges(t *testing.T, id int64) []Charge {
	t.Helper()
	cs, err := tb.svc.Charges(context.Background(), id)
	require.NoError(t, err)
	return cs
}

// letters lists the e-mails queued in the outbox, in order.
func (tb *testBundle) letters(t *testing.T) []mail.Letter {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, tb.db.Where("topic = ?", mail.Topic).Order("id").Find(&rows).Error)
	out := make([]mail.Letter, len(rows))
	for i, r := range rows {
		require.NoError(t, json.Unmarshal([]byte(r.Payload), &out[i]))
	}
	return out
}

func (tb *testBundle) kinds(t *testing.T) []mail.Kind {
	t.Helper()
	var out []mail.Kind
	for _, l := range tb.letters(t) {
		out = append(out, l.Kind)
	}
	return out
}

func (tb *testBundle) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, tb.db.Table(table).Count(&n).Error)
	return n
}

func urlWithPath(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
