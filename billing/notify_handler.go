package billing

import (
	"context"
	"net/http"

	"gorm.io/gorm"
)

// Handler verifies and settles the notifications of a route whose payments billing does not own
// (YooKassa card charges of subscriptions). Its notifications share the inbox: stored raw before
// they are answered, one row per provider key, refusals kept bounded, failures retried through
// the outbox and rows left received queued again at start.
type Handler interface {
	// Inbound verifies and parses a notification; it must not have side effects.
	Inbound(header http.Header, body []byte) (Notice, error)
	// Settle applies a verified notification (its stored body given again); an error is retried.
	Settle(ctx context.Context, n Notice, body []byte) (Outcome, error)
}

// HandleNotifications routes the notifications of provider to h. Call it while wiring, before
// notifications arrive and before the outbox runs.
func (s *Service) HandleNotifications(provider string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handlers == nil {
		s.handlers = map[string]Handler{}
	}
	s.handlers[provider] = h
}

// inbox is who verifies and settles a provider's notifications.
func (s *Service) inbox(provider string) (Handler, bool) {
	s.mu.RLock()
	h, ok := s.handlers[provider]
	s.mu.RUnlock()
	if ok {
		return h, true
	}
	p, ok := s.provider(provider)
	if !ok {
		return nil, false
	}
	return paymentInbox{p, s}, true
}

// paymentInbox settles notifications about billing's own payments.
type paymentInbox struct {
	Provider
	s *Service
}

func (p paymentInbox) Settle(ctx context.Context, n Notice, _ []byte) (Outcome, error) {
	return p.s.outcomeOf(ctx, n)
}

func (p paymentInbox) settleIn(ctx context.Context, tx *gorm.DB, n Notice) (Outcome, error) {
	return p.s.outcomeIn(ctx, tx, n)
}
