package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/outbox"
	"b24pay/store"
)

// stubOrder is an order at the stub provider, keyed by our payment id.
type stubOrder struct {
	Ref    string
	Status string
	Paid   decimal.Decimal
}

// stubProvider is a scriptable payment route. Its hooks, when set, replace the default behaviour;
// by default it keeps orders in memory like a provider that answers every call.
type stubProvider struct {
	name       string
	currencies []string
	mu         sync.Mutex
	orders     map[string]*stubOrder // by our payment id
	cancelled  []string              // refs
	refundIDs  []string
	created    []Order
	onCreate   func(ctx context.Context, o Order) (Created, error)
	onCancel   func(ref string) error
	onRefund   func(r RefundRequest) (string, error)
}

func newStub(name string) *stubProvider {
	return &stubProvider{name: name, currencies: []string{"RUB"}, orders: map[string]*stubOrder{}}
}

func (p *stubProvider) Name() string         { return p.name }
func (p *stubProvider) Currencies() []string { return p.currencies }

func (p *stubProvider) Create(ctx context.Context, o Order) (Created, error) {
	p.mu.Lock()
	p.created = append(p.created, o)
	p.orders[o.PaymentID] = &stubOrder{Ref: "ref-" + o.PaymentID, Status: StatusPending}
	hook := p.onCreate
	p.mu.Unlock()
	if hook != nil {
		return hook(ctx, o)
	}
	return Created{Ref: "ref-" + o.PaymentID, PayURL: "https://pay.example/" + o.PaymentID}, nil
}

func (p *stubProvider) Lookup(_ context.Context, paymentID, _ string) (State, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.orders[paymentID]
	if !ok {
		return State{}, ErrOrderNotFound
	}
	return State{Ref: o.Ref, Status: o.Status, Paid: o.Paid, PayURL: "https://pay.example/" + paymentID}, nil
}

func (p *stubProvider) Cancel(_ context.Context, ref string) error {
	p.mu.Lock()
	hook := p.onCancel
	p.mu.Unlock()
	if hook != nil {
		if err := hook(ref); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancelled = append(p.cancelled, ref)
	for _, o := range p.orders {
		if o.Ref == ref && o.Status == StatusPending {
			o.Status = StatusCancelled
		}
	}
	return nil
}

func (p *stubProvider) Refund(_ context.Context, r RefundRequest) (string, error) {
	p.mu.Lock()
	p.refundIDs = append(p.refundIDs, r.RefundID)
	hook := p.onRefund
	p.mu.Unlock()
	if hook != nil {
		return hook(r)
	}
	return "rf-" + r.RefundID, nil
}

// Inbound reads {"payment_id","status","amount","currency","key"}; the header X-Ok proves the signature.
func (p *stubProvider) Inbound(header http.Header, body []byte) (Notice, error) {
	if header.Get("X-Ok") != "1" {
		return Notice{}, ErrBadSignature
	}
	var w struct {
		PaymentID, Status, Currency, Key string
		Amount                           decimal.Decimal
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return Notice{}, ErrMalformed
	}
	return Notice{PaymentID: w.PaymentID, Ref: "ref-" + w.PaymentID, Status: w.Status, Amount: w.Amount,
		Currency: w.Currency, DedupKey: w.Key}, nil
}

// pay makes the stub's order paid with an amount (what the provider would then report).
func (p *stubProvider) pay(paymentID string, amount decimal.Decimal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.orders[paymentID]
	o.Status, o.Paid = StatusSucceeded, amount
}

// ledger is a payable owner that books into a table of the test database, in billing's transaction.
// While failures is above zero, each booking fails and counts it down (a payable side that is down);
// a booking for failPayable always fails, one for panicPayable panics; the first booking waits in
// hold when it is set.
type ledger struct {
	currency     string
	outstanding  int64
	failures     *atomic.Int32
	failPayable  int64
	panicPayable int64
	hold         *gate
	enqueue      bool                              // each booking also enqueues an outbox message
	enqueueOnly  bool                              // each booking only enqueues one, as a Bitrix24 payment's does
	meanwhile    func(tx *gorm.DB, id int64) error // runs in each booking's transaction
}

// gate stops the first caller of wait until open; entered is closed when it arrived.
type gate struct {
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func newGate() *gate { return &gate{entered: make(chan struct{}), release: make(chan struct{})} }

func (g *gate) wait() {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
}

func (l ledger) Payable(_ context.Context, memberID, kind string, id int64) (Payable, error) {
	return Payable{MemberID: memberID, Kind: kind, ID: id, OutstandingMinor: l.outstanding, Currency: l.currency,
		Description: "Платёж №1"}, nil
}

func (l ledger) ApplyPaid(_ context.Context, tx *gorm.DB, _, _ string, id int64, amountMinor int64, _ string) error {
	if l.hold != nil {
		l.hold.wait()
	}
	if l.panicPayable != 0 && id == l.panicPayable {
		panic("ledger: booking panicked")
	}
	if (l.failures != nil && l.failures.Add(-1) >= 0) || (l.failPayable != 0 && id == l.failPayable) {
		return errLedgerDown
	}
	if l.meanwhile != nil {
		if err := l.meanwhile(tx, id); err != nil {
			return err
		}
	}
	if l.enqueue || l.enqueueOnly {
		err := outbox.Enqueue(tx, time.Now(), outbox.Message{Topic: "test.booked", Key: fmt.Sprint("booked:", id), Payload: id})
		if err != nil || l.enqueueOnly {
			return err
		}
	}
	return tx.Exec("INSERT INTO test_ledger (payable_id, amount_minor) VALUES (?, ?)", id, amountMinor).Error
}

func (l ledger) ApplyRefund(_ context.Context, tx *gorm.DB, _, _ string, id int64, amountMinor int64, _ string) error {
	return tx.Exec("INSERT INTO test_ledger (payable_id, amount_minor) VALUES (?, ?)", id, -amountMinor).Error
}

var errLedgerDown = errors.New("ledger: down")

type testBundle struct {
	svc   *Service
	db    *store.DB
	clock *clock.Frozen
	prov  *stubProvider
}

func setup(t *testing.T, db *store.DB, pb ledger) *testBundle {
	t.Helper()
	require.NoError(t, db.Exec("CREATE TABLE test_ledger (payable_id BIGINT NOT NULL, amount_minor BIGINT NOT NULL)").Error)
	clk := clock.NewFrozen(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	prov := newStub("stub")
	svc := NewService(db, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), pb, Config{PublicURL: "https://app.example"}, prov)
	return &testBundle{svc: svc, db: db, clock: clk, prov: prov}
}

func rub(outstanding int64) ledger { return ledger{currency: "RUB", outstanding: outstanding} }

// booked is what the payable received in total.
func (b *testBundle) booked(t *testing.T, id int64) int64 {
	t.Helper()
	var sum int64
	require.NoError(t, b.db.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM test_ledger WHERE payable_id = ?", id).Scan(&sum).Error)
	return sum
}

func (b *testBundle) payment(t *testing.T, id string) *Payment {
	t.Helper()
	p, err := b.svc.Get(context.Background(), id)
	require.NoError(t, err)
	return p
}

// notify delivers a signed stub notification.
func (b *testBundle) notify(paymentID, status, amount, key string) Outcome {
	body, _ := json.Marshal(map[string]string{"PaymentID": paymentID, "Status": status, "Amount": amount, "Key": key})
	return b.svc.Receive(context.Background(), "stub", http.Header{"X-Ok": {"1"}}, body)
}

// requireAllChecked fails when a payment that is not final has no next check time.
func (b *testBundle) requireAllChecked(t *testing.T) {
	t.Helper()
	var n int64
	require.NoError(t, b.db.Model(&Payment{}).Where("status IN ? AND next_check_at IS NULL",
		[]string{StatusPending, StatusUnknown}).Count(&n).Error)
	require.Zero(t, n, "every open payment has a next check time")
}

// newPayment opens a payment of a payable through the stub.
func (b *testBundle) newPayment(t *testing.T, payableID int64) *Payment {
	t.Helper()
	p, err := b.svc.Pay(context.Background(), "m1", "instalment", payableID, "stub")
	require.NoError(t, err)
	return p
}

// paidPayment opens a payment of 10 000 and has the provider notify it paid.
func (b *testBundle) paidPayment(t *testing.T, payableID int64) *Payment {
	t.Helper()
	p := b.newPayment(t, payableID)
	require.Equal(t, OutcomeOK, b.notify(p.ID, StatusSucceeded, "10000", "k-"+p.ID))
	return p
}
