package billing

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/outbox"
	"b24pay/store"
)

// Errors the HTTP layer maps to answers.
var (
	ErrProviderNotConfigured = errors.New("billing: payment route is not configured")
	ErrNothingToPay          = errors.New("billing: nothing is owed on this payable")
	ErrOutcomeUnknown        = errors.New("billing: the provider's answer was lost; the payment is being checked")
	ErrPaymentNotFound       = errors.New("billing: no such payment")
	ErrRefundExceedsPaid     = errors.New("billing: a refund cannot exceed what was paid and not yet refunded")
	ErrCurrencyNotSupported  = errors.New("billing: the route does not take this currency")
	ErrBadTimeLimit          = errors.New("billing: the payment time limit is out of range")
)

// Payable is what a payment is for, as its owner describes it.
type Payable struct {
	MemberID         string
	Kind             string
	ID               int64
	OutstandingMinor int64
	Currency         string
	Description      string
	Customer         Customer
	Trusted          bool
}

// Payables is the side that owns what is paid for (instalments, invoices, charges).
type Payables interface {
	Payable(ctx context.Context, memberID, kind string, id int64) (Payable, error)
	// ApplyPaid books money received, in the caller's transaction, and queues the Bitrix24 side.
	ApplyPaid(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error
	// ApplyRefund takes refunded money back off the payable.
	ApplyRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error
}

// Config tunes the service.
type Config struct {
	PublicURL        string                   // base of notification and return URLs
	TimeLimit        time.Duration            // how long an order may be paid (default 3 days)
	TimeLimits       map[string]time.Duration // per route, over TimeLimit
	TrustedTimeLimit time.Duration            // the deferral for trusted clients (default 30 days)
	NoticeLanes      int                      // group commits of notifications in flight at once (0: one on SQLite, two on PostgreSQL; -1: none)
}

// Service runs payments.
type Service struct {
	db        *store.DB
	clock     clock.Clock
	log       *slog.Logger
	payables  Payables
	mu        sync.RWMutex
	providers map[string]Provider // open for new payments
	retired   map[string]Provider // switched off, still serving their payments
	handlers  map[string]Handler  // notifications of routes billing does not own
	rejected  atomic.Uint64       // notifications refused as unsigned or unreadable
	lanes     []*noticeLane       // group commits of notifications (none: one transaction each)
	cfg       Config
}

// NewService wires the payments core with the configured providers.
func NewService(db *store.DB, clk clock.Clock, log *slog.Logger, payables Payables, cfg Config, providers ...Provider) *Service {
	if cfg.TimeLimit <= 0 {
		cfg.TimeLimit = 72 * time.Hour
	}
	if cfg.TrustedTimeLimit <= 0 {
		cfg.TrustedTimeLimit = 30 * 24 * time.Hour
	}
	s := &Service{db: db, clock: clk, log: log, payables: payables, cfg: cfg}
	for range groupLanes(cfg.NoticeLanes, db.Dialect) {
		s.lanes = append(s.lanes, &noticeLane{})
	}
	s.SetProviders(providers...)
	return s
}

// SetProviders replaces the routes open for new payments (after an admin changed the payment
// settings). A route switched off keeps serving what it already has: its notifications, the
// reconciliation of its payments and their refunds.
func (s *Service) SetProviders(providers ...Provider) { s.SetRoutes(providers, nil) }

// SetRoutes sets the routes open for new payments and the switched-off ones that still serve their
// live payments. A route that was active and is in neither list is kept as switched off.
func (s *Service) SetRoutes(active, off []Provider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	retired := map[string]Provider{}
	for name, p := range s.providers {
		retired[name] = p
	}
	for name, p := range s.retired {
		if _, ok := retired[name]; !ok {
			retired[name] = p
		}
	}
	for _, p := range off {
		retired[p.Name()] = p
	}
	m := map[string]Provider{}
	for _, p := range active {
		m[p.Name()] = p
		delete(retired, p.Name())
	}
	s.providers, s.retired = m, retired
}

// ServeRefunds adds a route that takes no new payments and serves the refunds of payments
// recorded with RecordCollected (the card route of subscriptions), kept across SetRoutes.
func (s *Service) ServeRefunds(p Provider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.providers[p.Name()]; !ok {
		s.retired[p.Name()] = p
	}
}

// activeProvider returns a route open for new payments.
func (s *Service) activeProvider(name string) (Provider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.providers[name]
	return p, ok
}

// provider returns a route that serves existing payments: active or switched off.
func (s *Service) provider(name string) (Provider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.providers[name]; ok {
		return p, ok
	}
	p, ok := s.retired[name]
	return p, ok
}

// Has tells whether a payment route is open for new payments.
func (s *Service) Has(provider string) bool { _, ok := s.activeProvider(provider); return ok }

// Serves tells whether a route accepts notifications: open, or switched off with payments to finish.
func (s *Service) Serves(provider string) bool { _, ok := s.provider(provider); return ok }

// Unavailable says why a route cannot take a payment in this currency (nil when it can).
func (s *Service) Unavailable(provider, currency string) error {
	prov, ok := s.activeProvider(provider)
	if !ok {
		return ErrProviderNotConfigured
	}
	return Supports(prov, currency)
}

// Register adds the outbox handler that retries stored notifications.
func (s *Service) Register(w *outbox.Worker) { w.Handle(TopicNotification, s.handleStoredNotification) }

func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// createGrace is how long a row may wait for its create call before reconciliation looks the
// order up by our id (a crash between insert and create).
const createGrace = 10 * time.Minute

// detached keeps a provider call and its bookkeeping running when the caller's request is
// cancelled (tab closed, proxy timeout): what the provider did must be recorded.
func detached(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// Pay returns the payable's open payment through this provider, or creates one. There is never
// more than one open payment per payable: an unknown one is resolved first, one through another
// route or for another amount is cancelled at its provider before a new order is made.
func (s *Service) Pay(ctx context.Context, memberID, kind string, id int64, provider string) (*Payment, error) {
	return s.PayWithin(ctx, memberID, kind, id, provider, 0)
}

// PayWithin is Pay with the time limit chosen for this invoice (zero: the route's default; a
// trusted client's deferral wins, see Limit). It applies to a new or updated order.
func (s *Service) PayWithin(ctx context.Context, memberID, kind string, id int64, provider string, limit time.Duration) (*Payment, error) {
	if limit != 0 {
		if err := CheckTimeLimit(limit); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadTimeLimit, err)
		}
	}
	prov, ok := s.activeProvider(provider)
	if !ok {
		return nil, ErrProviderNotConfigured
	}
	payable, err := s.payables.Payable(ctx, memberID, kind, id)
	if err != nil {
		return nil, err
	}
	if err := Supports(prov, payable.Currency); err != nil {
		return nil, err
	}
	if payable.OutstandingMinor <= 0 {
		return nil, ErrNothingToPay
	}
	ctx = detached(ctx)
	limit, _ = s.Limit(provider, payable.Trusted, limit)
	for range 4 {
		open, err := s.openPayment(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		switch {
		case open == nil:
			p, err := s.insert(ctx, payable, provider)
			if store.IsUniqueViolation(err) {
				continue // another request created it a moment ago
			}
			if err != nil {
				return nil, err
			}
			return s.create(ctx, prov, p, payable, limit)
		case open.Status == StatusUnknown || open.PayURL == "":
			if err := s.resolve(ctx, open); err != nil {
				return nil, err
			}
			if again, _ := s.Get(ctx, open.ID); again != nil && Open(again.Status) && again.PayURL == "" {
				return nil, ErrOutcomeUnknown // its create is still running
			}
		case open.Provider == provider && open.AmountMinor == payable.OutstandingMinor:
			return open, nil
		case open.Provider == provider && s.updated(ctx, prov, open, payable, limit):
			return s.Get(ctx, open.ID)
		default:
			if err := s.cancel(ctx, open, StatusCancelled); err != nil {
				return nil, err
			}
		}
	}
	return nil, ErrOutcomeUnknown
}

func (s *Service) openPayment(ctx context.Context, kind string, id int64) (*Payment, error) {
	var p Payment
	err := s.db.WithContext(ctx).Where("payable_kind = ? AND payable_id = ? AND status IN ?", kind, id,
		[]string{StatusPending, StatusUnknown}).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &p, err
}

// insert commits a new payment row with its own pay page token.
func (s *Service) insert(ctx context.Context, pb Payable, provider string) (*Payment, error) {
	p := s.newPayment(pb, provider, newID("", 24))
	return p, s.db.WithContext(ctx).Create(p).Error
}

// newPayment is the row committed before the provider hears of the payment, with a check time: if
// we crash before the create is recorded, reconciliation looks the order up by our id. token is
// the public pay page's (a replaced order's new payment keeps the old one's).
func (s *Service) newPayment(pb Payable, provider, token string) *Payment {
	now := s.clock.Now()
	check := now.Add(createGrace)
	return &Payment{ID: newID("pay_", 12), MemberID: pb.MemberID, PayableKind: pb.Kind, PayableID: pb.ID, Provider: provider,
		AmountMinor: pb.OutstandingMinor, Currency: pb.Currency, Description: pb.Description, Status: StatusPending,
		PayToken: token, NextCheckAt: &check, CreatedAt: now, UpdatedAt: now}
}

// create asks the provider for the order and records the answer through the state machine under
// the row lock: a notification or a cancel that got there first keeps its status; what the provider
// told us (ref, link) is kept, and a live order on a closed row is left to reconciliation to withdraw.
func (s *Service) create(ctx context.Context, prov Provider, p *Payment, pb Payable, limit time.Duration) (*Payment, error) {
	o := s.order(p.ID, pb, p.AmountMinor, limit)
	o.NotifyURL, o.ReturnURL = s.cfg.PublicURL+"/webhooks/"+prov.Name(), s.cfg.PublicURL+"/pay/"+p.PayToken
	created, err := prov.Create(ctx, o)
	now := s.clock.Now()
	lerr := s.locked(ctx, p.ID, func(tx *gorm.DB, cur *Payment) error {
		fields := map[string]any{}
		to := cur.Status
		switch {
		case errors.Is(err, ErrUnknownOutcome):
			fields["last_error"], fields["next_check_at"] = err.Error(), now.Add(time.Minute)
			if cur.Status == StatusPending {
				to = StatusUnknown
			}
		case err != nil:
			fields["last_error"], fields["next_check_at"] = err.Error(), nil
			if Open(cur.Status) {
				to = StatusFailed
			}
		default:
			if cur.ProviderRef == "" {
				fields["provider_ref"] = created.Ref
			}
			next := now.Add(checkDelay(0))
			if !created.ExpiresAt.IsZero() {
				fields["expires_at"] = created.ExpiresAt.UTC()
				if created.ExpiresAt.Before(next) {
					next = created.ExpiresAt // a short limit: reconciliation looks when it ends
				}
			}
			fields["pay_url"], fields["next_check_at"] = created.PayURL, next
			if Closed(cur.Status) {
				fields["next_check_at"] = now // closed meanwhile: reconciliation withdraws this order
			}
		}
		if !Open(cur.Status) && !Closed(cur.Status) {
			delete(fields, "next_check_at") // settled meanwhile
		}
		return s.transition(tx, cur, to, fields)
	})
	if lerr != nil {
		return nil, lerr
	}
	stored, gerr := s.Get(ctx, p.ID)
	switch {
	case gerr != nil:
		return nil, gerr
	case errors.Is(err, ErrUnknownOutcome):
		return stored, ErrOutcomeUnknown
	}
	return stored, err
}

// updated tries to move an open order to the payable's new amount (dynamic pricing) where the
// provider allows it; false means the old order must be cancelled and a new one made. A zero
// limit keeps the order's deadline.
func (s *Service) updated(ctx context.Context, prov Provider, p *Payment, pb Payable, limit time.Duration) bool {
	up, ok := prov.(Updater)
	if !ok || p.ProviderRef == "" || p.Status != StatusPending {
		return false
	}
	err := up.Update(ctx, p.ProviderRef, s.order(p.ID, pb, pb.OutstandingMinor, limit))
	if err != nil {
		s.log.Info("order not updatable; it will be replaced", "payment", p.ID, "err", err)
		return false
	}
	fields := map[string]any{"amount_minor": pb.OutstandingMinor, "description": pb.Description, "updated_at": s.clock.Now()}
	if limit != 0 {
		fields["expires_at"] = s.clock.Now().Add(limit).UTC().Truncate(time.Second)
	}
	return s.db.WithContext(ctx).Model(&Payment{}).Where("id = ? AND status = ?", p.ID, StatusPending).
		Updates(fields).Error == nil
}

// order is what a provider is asked to collect for a payable within limit.
func (s *Service) order(paymentID string, pb Payable, amountMinor int64, limit time.Duration) Order {
	return Order{PaymentID: paymentID, Amount: toMajor(amountMinor, pb.Currency), Currency: pb.Currency,
		Description: pb.Description, Customer: pb.Customer, Now: s.clock.Now(), TimeLimit: limit, Trusted: pb.Trusted}
}

// Get loads a payment by id.
func (s *Service) Get(ctx context.Context, id string) (*Payment, error) {
	var p Payment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPaymentNotFound
	}
	return &p, err
}

// ByToken loads a payment by its public page token.
func (s *Service) ByToken(ctx context.Context, token string) (*Payment, error) {
	var p Payment
	err := s.db.WithContext(ctx).Where("pay_token = ?", token).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPaymentNotFound
	}
	return &p, err
}

// cancel withdraws an open payment's order at its provider, then closes our row as to
// (cancelled or expired). Without a ref the order is looked up by our id first. If the provider
// cannot confirm the withdrawal (route off, no answer, create still running), the row is closed
// but keeps a check time: reconciliation withdraws the order later or books money that came.
func (s *Service) cancel(ctx context.Context, p *Payment, to string) error {
	ctx = detached(ctx)
	withdrawn, err := s.withdraw(ctx, p)
	if errors.Is(err, errSettledMeanwhile) {
		return nil
	}
	if err != nil {
		s.log.Warn("order not withdrawn yet; reconciliation will", "payment", p.ID, "err", err)
	}
	return s.locked(ctx, p.ID, func(tx *gorm.DB, cur *Payment) error {
		if !Open(cur.Status) {
			return nil
		}
		fields := map[string]any{"settled_at": s.clock.Now(), "next_check_at": nil}
		if !withdrawn {
			fields["next_check_at"] = s.clock.Now().Add(checkDelay(1))
		}
		return s.transition(tx, cur, to, fields)
	})
}

var errSettledMeanwhile = errors.New("billing: the payment was settled meanwhile")

// withdraw makes sure the provider's order for p can no longer be paid. true: it is closed there
// (or never existed). If the provider says it was paid or closed meanwhile, that is recorded and
// errSettledMeanwhile returned.
func (s *Service) withdraw(ctx context.Context, p *Payment) (bool, error) {
	prov, ok := s.provider(p.Provider)
	if !ok {
		return false, ErrProviderNotConfigured
	}
	st, err := prov.Lookup(ctx, p.ID, p.ProviderRef)
	switch {
	case errors.Is(err, ErrOrderNotFound):
		return p.ProviderRef != "" || s.clock.Now().Sub(p.CreatedAt) >= createGrace, nil
	case err != nil:
		return false, err
	case st.Status == StatusSucceeded:
		if err := s.settle(ctx, p.ID, st.Ref, s.reportedPaid(ctx, p, st)); err != nil {
			return false, err
		}
		return false, errSettledMeanwhile
	case st.Status != StatusPending:
		return true, nil
	}
	if err := prov.Cancel(ctx, st.Ref); err != nil {
		// It may have been paid meanwhile: the provider's word decides.
		if rerr := s.resolve(ctx, p); rerr != nil {
			return false, fmt.Errorf("cancel %s: %w (then: %v)", p.ID, err, rerr)
		}
		if again, _ := s.Get(ctx, p.ID); again != nil && !Open(again.Status) {
			return false, errSettledMeanwhile
		}
		return false, err
	}
	return true, nil
}

// ListFor returns the payments of some payables, newest first.
func (s *Service) ListFor(ctx context.Context, kind string, ids []int64) ([]Payment, error) {
	var out []Payment
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Where("payable_kind = ? AND payable_id IN ?", kind, ids).
		Order("created_at DESC, id").Find(&out).Error
	return out, err
}
