package subscriptions

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/billing"
	"b24pay/clock"
	"b24pay/schedules"
	"b24pay/store"
)

// After-dunning settings: what a subscription becomes when the retries run out.
const (
	AfterDunningSuspend = "suspended"
	AfterDunningCancel  = "cancelled"
)

// Config tunes the service.
type Config struct {
	Merchant       string         // the seller's name, shown on the consent page and in e-mails
	PublicURL      string         // base of the links sent to clients
	Dunning        []int          // retry offsets in days from the period start; default 1, 3, 5
	AfterDunning   string         // AfterDunningSuspend (default) or AfterDunningCancel
	Lease          time.Duration  // how long a pass holds a claimed subscription; default 5 min
	Batch          int            // subscriptions claimed at once; default 100
	Workers        int            // gateway requests in flight per claimed batch (a pass works on 4 at once); default 4
	Location       *time.Location // the portal's zone for calendar dates; default Europe/Moscow
	ConsentVersion string         // version of the consent text; default "2026-12"
	RemindDays     int            // e-mail the client this many days before a charge; 0 = never
}

func (c Config) withDefaults() Config {
	if c.Dunning == nil {
		c.Dunning = []int{1, 3, 5}
	}
	if c.AfterDunning == "" {
		c.AfterDunning = AfterDunningSuspend
	}
	if c.Lease <= 0 {
		c.Lease = 5 * time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 100
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Location == nil {
		c.Location, _ = time.LoadLocation("Europe/Moscow")
	}
	if c.ConsentVersion == "" {
		c.ConsentVersion = "2026-12"
	}
	return c
}

// Validate checks the settings.
func (c Config) Validate() error {
	for i, d := range c.Dunning {
		if d < 1 || d > 60 || (i > 0 && d <= c.Dunning[i-1]) {
			return fmt.Errorf("subscriptions: dunning days %v must grow, each 1..60", c.Dunning)
		}
	}
	if c.RemindDays < 0 || c.RemindDays > 30 {
		return fmt.Errorf("subscriptions: reminder days %d is not 0..30", c.RemindDays)
	}
	if c.AfterDunning != "" && c.AfterDunning != AfterDunningSuspend && c.AfterDunning != AfterDunningCancel {
		return fmt.Errorf("subscriptions: after-dunning %q is not suspended or cancelled", c.AfterDunning)
	}
	return nil
}

// Service is the subscriptions domain.
type Service struct {
	db    *store.DB
	clock clock.Clock
	log   *slog.Logger
	cfg   Config
	card  Gateway // nil when YooKassa is not configured
	sbp   Gateway // nil unless SBP subscriptions are enabled at the bank (UseSBP)
	// invoices is billing with its Invoicebox route, nil unless the invoice route is on (UseInvoicebox)
	invoices *billing.Service
	// refunds is billing, which returns the money of charges (UseRefunds); nil: refunds are refused
	refunds *billing.Service
}

// NewService builds the service; card may be nil (the card route is then refused).
func NewService(db *store.DB, clk clock.Clock, log *slog.Logger, cfg Config, card Gateway) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{db: db, clock: clk, log: log, cfg: cfg.withDefaults(), card: card}, nil
}

// UseSBP turns the SBP subscription route on with gateway g; call it before the service is used.
func (s *Service) UseSBP(g Gateway) { s.sbp = g }

// gateway is the gateway of a route, nil when the route is not configured.
func (s *Service) gateway(route string) Gateway {
	switch route {
	case RouteCard:
		return s.card
	case RouteSBP:
		return s.sbp
	case RouteInvoicebox:
		if s.invoices != nil {
			return invoiceGateway{s}
		}
	}
	return nil
}

// billedRoutes are the routes RunDue charges: those with a gateway.
func (s *Service) billedRoutes() []string {
	var out []string
	for _, r := range []string{RouteCard, RouteSBP, RouteInvoicebox} {
		if s.gateway(r) != nil {
			out = append(out, r)
		}
	}
	return out
}

// today is the calendar date in the portal's zone at instant t.
func (s *Service) today(t time.Time) schedules.Date {
	y, m, d := t.In(s.cfg.Location).Date()
	return schedules.NewDate(y, m, d)
}

// Get returns a subscription of the portal.
func (s *Service) Get(ctx context.Context, memberID string, id int64) (Subscription, error) {
	var sub Subscription
	err := s.db.WithContext(ctx).Where("member_id = ? AND id = ?", memberID, id).Take(&sub).Error
	return sub, notFound(err)
}

// ByToken returns the subscription a client link names.
func (s *Service) ByToken(ctx context.Context, token string) (Subscription, error) {
	var sub Subscription
	err := s.db.WithContext(ctx).Where("pay_token = ?", token).Take(&sub).Error
	return sub, notFound(err)
}

// Charges lists a subscription's charges, oldest period first.
func (s *Service) Charges(ctx context.Context, subID int64) ([]Charge, error) {
	var out []Charge
	err := s.db.WithContext(ctx).Where("subscription_id = ?", subID).Order("seq").Find(&out).Error
	return out, err
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// locked reads a subscription inside tx, locking its row on PostgreSQL.
func (s *Service) locked(tx *gorm.DB, id int64) (Subscription, error) {
	subs, err := s.lockedAll(tx, []int64{id})
	if err != nil || len(subs) == 0 {
		return Subscription{}, notFound(cmp.Or(err, gorm.ErrRecordNotFound))
	}
	return subs[0], nil
}

// lockedAll reads subscriptions inside tx, locking their rows in id order on PostgreSQL.
func (s *Service) lockedAll(tx *gorm.DB, ids []int64) ([]Subscription, error) {
	var subs []Subscription
	q := tx
	if s.db.Dialect == store.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id IN ?", ids).Order("id").Find(&subs).Error
	return subs, err
}

// chargesByID reads the charges with the given ids that exist.
func chargesByID(tx *gorm.DB, ids []string) (map[string]*Charge, error) {
	var cs []Charge
	if err := tx.Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, err
	}
	out := make(map[string]*Charge, len(cs))
	for i := range cs {
		out[cs[i].ID] = &cs[i]
	}
	return out, nil
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// chargeID names the charge of period seq; with the attempt it is the provider's idempotency key.
func chargeID(subID int64, seq int) string { return fmt.Sprintf("sc-%d-%d", subID, seq) }

// key is the idempotency key of the charge's current attempt (reference §c.2: a deliberate retry
// after a decline needs a new key, a repeat of the same attempt must reuse it).
func (c Charge) key() string { return fmt.Sprintf("%s-a%d", c.ID, c.Attempt) }

// PageURL is the client's page of the subscription (consent, first payment, card replacement).
func (s *Service) PageURL(sub Subscription) string { return s.cfg.PublicURL + "/s/" + sub.PayToken }

// ReturnURL is where the gateway sends the client back after paying.
func (s *Service) ReturnURL(sub Subscription) string { return s.PageURL(sub) + "/done" }
