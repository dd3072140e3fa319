package billing

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	PublicURL        string        // base of notification and return URLs
	TimeLimit        time.Duration // how long an order may be paid (default 3 days)
	TrustedTimeLimit time.Duration // the deferral for trusted clients (default 30 days)
}

// Service runs payments.
type Service struct {
	db        *store.DB
	clock     clock.Clock
	log       *slog.Logger
	payables  Payables
	mu        sync.RWMutex
	providers map[string]Provider
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
	s.SetProviders(providers...)
	return s
}

// SetProviders replaces the configured routes (after an admin changed the payment settings).
func (s *Service) SetProviders(providers ...Provider) {
	m := map[string]Provider{}
	for _, p := range providers {
		m[p.Name()] = p
	}
	s.mu.Lock()
	s.providers = m
	s.mu.Unlock()
}

// provider returns a configured route.
func (s *Service) provider(name string) (Provider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.providers[name] // the one place the map is read
	return p, ok
}

// Has tells whether a payment route is configured.
func (s *Service) Has(provider string) bool { _, ok := s.provider(provider); return ok }

// Register adds the outbox handler that retries stored notifications.
func (s *Service) Register(w *outbox.Worker) { w.Handle(TopicNotification, s.handleStoredNotification) }

func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Pay returns the payable's open payment through this provider, or creates one. There is never
// more than one open payment per payable: an unknown one is resolved first, one through another
// route or for another amount is cancelled at its provider before a new order is made.
func (s *Service) Pay(ctx context.Context, memberID, kind string, id int64, provider string) (*Payment, error) {
	prov, ok := s.provider(provider)
	if !ok {
		return nil, ErrProviderNotConfigured
	}
	payable, err := s.payables.Payable(ctx, memberID, kind, id)
	if err != nil {
		return nil, err
	}
	if payable.OutstandingMinor <= 0 {
		return nil, ErrNothingToPay
	}
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
			return s.create(ctx, prov, p, payable)
		case open.Status == StatusUnknown:
			if err := s.resolve(ctx, open); err != nil {
				return nil, err
			}
		case open.Provider == provider && open.AmountMinor == payable.OutstandingMinor:
			return open, nil
		case open.Provider == provider && s.updated(ctx, prov, open, payable):
			return s.Get(ctx, open.ID)
		default:
			if err := s.cancel(ctx, open); err != nil {
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

// insert commits the payment row before the provider hears of it.
func (s *Service) insert(ctx context.Context, pb Payable, provider string) (*Payment, error) {
	now := s.clock.Now()
	p := &Payment{ID: newID("pay_", 12), MemberID: pb.MemberID, PayableKind: pb.Kind, PayableID: pb.ID, Provider: provider,
		AmountMinor: pb.OutstandingMinor, Currency: pb.Currency, Description: pb.Description, Status: StatusPending,
		PayToken:  newID("", 24),
		CreatedAt: now, UpdatedAt: now}
	return p, s.db.WithContext(ctx).Create(p).Error
}

// create asks the provider for the order; a lost answer leaves the payment unknown.
func (s *Service) create(ctx context.Context, prov Provider, p *Payment, pb Payable) (*Payment, error) {
	now := s.clock.Now()
	o := s.order(p.ID, pb, p.AmountMinor)
	o.NotifyURL, o.ReturnURL = s.cfg.PublicURL+"/webhooks/"+prov.Name(), s.cfg.PublicURL+"/pay/"+p.PayToken
	created, err := prov.Create(ctx, o)
	updates := map[string]any{"updated_at": now}
	switch {
	case errors.Is(err, ErrUnknownOutcome):
		updates["status"], updates["last_error"], updates["next_check_at"] = StatusUnknown, err.Error(), now.Add(time.Minute)
	case err != nil:
		updates["status"], updates["last_error"] = StatusFailed, err.Error()
	default:
		updates["provider_ref"], updates["pay_url"], updates["next_check_at"] = created.Ref, created.PayURL, now.Add(checkDelay(0))
		if !created.ExpiresAt.IsZero() {
			updates["expires_at"] = created.ExpiresAt.UTC()
		}
	}
	if uerr := s.db.WithContext(ctx).Model(&Payment{}).Where("id = ?", p.ID).Updates(updates).Error; uerr != nil {
		return nil, uerr
	}
	stored, lerr := s.Get(ctx, p.ID)
	if lerr != nil {
		return nil, lerr
	}
	if errors.Is(err, ErrUnknownOutcome) {
		return stored, ErrOutcomeUnknown
	}
	return stored, err
}

// updated tries to move an open order to the payable's new amount (dynamic pricing) where the
// provider allows it; false means the old order must be cancelled and a new one made.
func (s *Service) updated(ctx context.Context, prov Provider, p *Payment, pb Payable) bool {
	up, ok := prov.(Updater)
	if !ok || p.ProviderRef == "" || p.Status != StatusPending {
		return false
	}
	err := up.Update(ctx, p.ProviderRef, s.order(p.ID, pb, pb.OutstandingMinor))
	if err != nil {
		s.log.Info("order not updatable; it will be replaced", "payment", p.ID, "err", err)
		return false
	}
	return s.db.WithContext(ctx).Model(&Payment{}).Where("id = ? AND status = ?", p.ID, StatusPending).
		Updates(map[string]any{"amount_minor": pb.OutstandingMinor, "description": pb.Description,
			"updated_at": s.clock.Now()}).Error == nil
}

// order is what a provider is asked to collect for a payable.
func (s *Service) order(paymentID string, pb Payable, amountMinor int64) Order {
	limit := s.cfg.TimeLimit
	if pb.Trusted {
		limit = s.cfg.TrustedTimeLimit
	}
	return Order{PaymentID: paymentID, Amount: minorToDecimal(amountMinor), Currency: pb.Currency, Description: pb.Description,
		Customer: pb.Customer, Now: s.clock.Now(), TimeLimit: limit, Trusted: pb.Trusted}
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

// cancel closes an open payment at its provider before another is made.
func (s *Service) cancel(ctx context.Context, p *Payment) error {
	if prov, ok := s.provider(p.Provider); ok && p.ProviderRef != "" {
		if err := prov.Cancel(ctx, p.ProviderRef); err != nil {
			// It may have been paid meanwhile: the provider's word decides.
			if rerr := s.resolve(ctx, p); rerr != nil {
				return fmt.Errorf("cancel %s: %w (then: %v)", p.ID, err, rerr)
			}
			return nil
		}
	}
	return s.move(ctx, p.ID, StatusCancelled, "")
}

// move changes an open payment's status (no money involved).
func (s *Service) move(ctx context.Context, id, to, ref string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.lock(tx, id)
		if err != nil {
			return err
		}
		if p.Status == to {
			return nil
		}
		if err := checkMove(p.Status, to); err != nil {
			return err
		}
		updates := map[string]any{"status": to, "updated_at": s.clock.Now()}
		if ref != "" && p.ProviderRef == "" {
			updates["provider_ref"] = ref
		}
		if !Open(to) {
			updates["settled_at"], updates["next_check_at"] = s.clock.Now(), nil
		}
		return tx.Model(&Payment{}).Where("id = ?", id).Updates(updates).Error
	})
}

// lock reads a payment under its row lock (SQLite has a single writer).
func (s *Service) lock(tx *gorm.DB, id string) (*Payment, error) {
	var p Payment
	q := "SELECT * FROM payments WHERE id = ?"
	if s.db.Dialect == store.Postgres {
		q += " FOR UPDATE"
	}
	if err := tx.Raw(q, id).Scan(&p).Error; err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, ErrPaymentNotFound
	}
	return &p, nil
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
