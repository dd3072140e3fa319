package yookassafake

import (
	"errors"
	"fmt"
)

// ErrNoSuchPayment is returned by the drivers for an unknown or already final payment.
var ErrNoSuchPayment = errors.New("yookassafake: no pending payment with that id")

// Pay acts as the payer confirming a pending payment on the confirmation page (3-D Secure
// passed). If the payment asked for save_payment_method, the card is saved and later charges may
// use the payment's id as payment_method_id. It returns the saved method id ("" if not saved).
func (s *Shop) Pay(id string) (string, error) {
	s.mu.Lock()
	p, found := s.payments[id]
	if !found || p.Status != statusPending {
		s.mu.Unlock()
		return "", fmt.Errorf("%w: %s", ErrNoSuchPayment, id)
	}
	method := s.savedMethod(id)
	method.Saved = p.save
	if p.save {
		s.methods[id] = ""
	}
	p.PaymentMethod = method
	notes := s.authorise(p, true)
	saved := p.save
	s.mu.Unlock()
	s.notify(notes)
	if !saved {
		return "", nil
	}
	return id, nil
}

// Decline acts as the bank refusing a pending payment with a documented reason.
func (s *Shop) Decline(id, reason string) error {
	s.mu.Lock()
	p, found := s.payments[id]
	if !found || p.Status != statusPending {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrNoSuchPayment, id)
	}
	party := "payment_network"
	if reason == "expired_on_confirmation" {
		party = "yoo_kassa"
	}
	notes := s.cancel(p, party, reason)
	s.mu.Unlock()
	s.notify(notes)
	return nil
}

// SetMethodDecline makes every later charge of a saved method fail with reason ("" to clear).
func (s *Shop) SetMethodDecline(methodID, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.methods[methodID]; known {
		s.methods[methodID] = reason
	}
}

// FailNext makes the next n POSTs answer HTTP status (500 in the docs). With carriedOut the
// request is done first and only the answer is lost; a repeat with the same key then gets the
// real answer.
func (s *Shop) FailNext(n, status int, carriedOut bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLeft, s.failSts, s.failDone = n, status, carriedOut
}

// Charges counts payments created with a saved method, by that method id.
func (s *Shop) Charges(methodID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range s.order {
		p := s.payments[id]
		if p.ID != methodID && p.PaymentMethod != nil && p.PaymentMethod.ID == methodID {
			n++
		}
	}
	return n
}

// Payments counts every payment created.
func (s *Shop) Payments() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.order) }
