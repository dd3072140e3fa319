package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// resolve asks the provider what became of a payment and settles it accordingly.
func (s *Service) resolve(ctx context.Context, p *Payment) error {
	prov, ok := s.provider(p.Provider)
	if !ok {
		return ErrProviderNotConfigured
	}
	st, err := prov.Lookup(ctx, p.ID, p.ProviderRef)
	switch {
	case errors.Is(err, ErrOrderNotFound) && s.neverCreated(p):
		return s.closeOpen(ctx, p.ID, StatusFailed) // the create never reached the provider
	case err != nil:
		return err
	}
	if st.Status == StatusSucceeded {
		st.Paid = s.reportedPaid(ctx, p, st)
	}
	return s.apply(ctx, p.ID, st.Status, st.Ref, st.PayURL, st.Paid)
}

// neverCreated: the provider has no order and none can still be on its way (a lost create, or a
// crash between our insert and the create, after the create's grace time).
func (s *Service) neverCreated(p *Payment) bool {
	return p.Status == StatusUnknown ||
		(p.Status == StatusPending && p.ProviderRef == "" && s.clock.Now().Sub(p.CreatedAt) >= createGrace)
}

// reportedPaid is what the provider says was paid for a completed order: the lookup's figure if it
// gives one, else the amount of the provider's own verified notification we stored, else the order's.
func (s *Service) reportedPaid(ctx context.Context, p *Payment, st State) decimal.Decimal {
	if !st.Paid.IsZero() {
		return st.Paid
	}
	prov, ok := s.provider(p.Provider)
	if !ok {
		return st.Paid
	}
	var rows []Notification
	s.db.WithContext(ctx).Where("provider = ? AND payment_id = ? AND dedup_key IS NOT NULL", p.Provider, p.ID).
		Order("id DESC").Limit(20).Find(&rows)
	for _, r := range rows {
		var header http.Header
		_ = json.Unmarshal([]byte(r.Headers), &header)
		if n, err := prov.Inbound(header, []byte(r.Body)); err == nil && n.Status == StatusSucceeded {
			return n.Amount
		}
	}
	return st.Paid
}

// apply brings a payment to the status the provider reports. Stale reports (a "created" arriving
// after "completed") change nothing.
func (s *Service) apply(ctx context.Context, id, status, ref, payURL string, paid decimal.Decimal) error {
	return s.locked(ctx, id, func(tx *gorm.DB, p *Payment) error {
		return s.applyTo(ctx, tx, p, status, ref, payURL, paid)
	})
}

// applyTo is apply in the caller's transaction, p read under its row lock in tx.
func (s *Service) applyTo(ctx context.Context, tx *gorm.DB, p *Payment, status, ref, payURL string, paid decimal.Decimal) error {
	switch status {
	case StatusSucceeded:
		return s.settleTo(ctx, tx, p, ref, paid)
	case StatusPending:
		fields := map[string]any{}
		if ref != "" && p.ProviderRef == "" {
			fields["provider_ref"] = ref
		}
		if payURL != "" && p.PayURL == "" {
			fields["pay_url"] = payURL
		}
		switch {
		case Open(p.Status):
			return s.transition(tx, p, StatusPending, fields)
		case Closed(p.Status): // live at the provider although we closed it: withdraw it
			fields["next_check_at"] = s.clock.Now()
			return s.transition(tx, p, p.Status, fields)
		}
		return nil
	case StatusFailed, StatusExpired, StatusCancelled:
		switch {
		case Open(p.Status):
			return s.transition(tx, p, status, map[string]any{"settled_at": s.clock.Now(), "next_check_at": nil})
		case Closed(p.Status): // closed at the provider too: nothing more can arrive
			return s.transition(tx, p, p.Status, map[string]any{"next_check_at": nil})
		}
		return nil
	}
	return fmt.Errorf("billing: provider status %q not understood", status)
}

// closeOpen closes a payment that is still open (no money involved).
func (s *Service) closeOpen(ctx context.Context, id, to string) error {
	return s.locked(ctx, id, func(tx *gorm.DB, p *Payment) error {
		if !Open(p.Status) {
			return nil
		}
		return s.transition(tx, p, to, map[string]any{"settled_at": s.clock.Now(), "next_check_at": nil})
	})
}

// settle books money the provider says was paid, once, whatever our row says: an open payment
// becomes succeeded; one we had closed (cancelled, expired, failed) is booked as a late payment and
// the manager is told. The amount booked is the one paid (zero: the provider did not say, so the
// order's); a partial or larger payment is booked as what it is. A later report of a larger paid
// total books the difference; a repeated report books nothing.
func (s *Service) settle(ctx context.Context, id, ref string, paid decimal.Decimal) error {
	return s.locked(ctx, id, func(tx *gorm.DB, p *Payment) error { return s.settleTo(ctx, tx, p, ref, paid) })
}

// settleTo is settle in the caller's transaction, p read under its row lock in tx.
func (s *Service) settleTo(ctx context.Context, tx *gorm.DB, p *Payment, ref string, paid decimal.Decimal) error {
	paidMinor := p.AmountMinor
	if !paid.IsZero() {
		m, err := ToMinor(paid, p.Currency)
		if err != nil {
			return err
		}
		paidMinor = m
	}
	now := s.clock.Now()
	fields := map[string]any{"paid_minor": paidMinor, "settled_at": now, "next_check_at": nil}
	if ref != "" && p.ProviderRef == "" {
		fields["provider_ref"] = ref
	}
	var note string
	booked := paidMinor
	switch {
	case Open(p.Status):
		note = "Оплата"
	case Closed(p.Status):
		note = "Оплата поступила по закрытому счёту (" + p.Status + ")"
	case paidMinor > p.PaidMinor: // a corrected, larger total for a settled order
		booked, note = paidMinor-p.PaidMinor, "Доплата"
		delete(fields, "settled_at")
		to := p.Status
		if to == StatusRefunded {
			to = StatusPartiallyRefunded
		}
		if err := s.transition(tx, p, to, fields); err != nil {
			return err
		}
		return s.bookPaid(ctx, tx, p, booked, note)
	default:
		return nil // a repeated or late report of what is booked
	}
	if paidMinor == 0 {
		return nil
	}
	if err := s.transition(tx, p, StatusSucceeded, fields); err != nil {
		return err
	}
	if paidMinor != p.AmountMinor {
		s.log.Warn("paid amount differs from the order; booked as paid", "payment", p.ID,
			"order_minor", p.AmountMinor, "paid_minor", paidMinor)
	}
	return s.bookPaid(ctx, tx, p, booked, note)
}

// bookPaid credits the payable with money received.
func (s *Service) bookPaid(ctx context.Context, tx *gorm.DB, p *Payment, amountMinor int64, what string) error {
	note := fmt.Sprintf("%s %s через %s (платёж %s)", what, formatMoney(amountMinor, p.Currency), providerTitle(p.Provider), p.ID)
	if amountMinor != p.AmountMinor && what == "Оплата" {
		note += fmt.Sprintf(", счёт был на %s", formatMoney(p.AmountMinor, p.Currency))
	}
	return s.payables.ApplyPaid(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, amountMinor, note)
}

// nextCheck schedules the next reconciliation of a payment still to be checked: minutes, then
// hours, then daily.
func (s *Service) nextCheck(ctx context.Context, id string, attempts int, now time.Time) error {
	return s.db.WithContext(ctx).Model(&Payment{}).Where("id = ? AND next_check_at IS NOT NULL", id).
		Updates(map[string]any{"check_attempts": attempts + 1, "next_check_at": now.Add(checkDelay(attempts + 1))}).Error
}

var checkDelays = []time.Duration{10 * time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}

// checkDelay is the pause before reconciliation check n (0 = after creation).
func checkDelay(n int) time.Duration {
	if n < len(checkDelays) {
		return checkDelays[n]
	}
	return 24 * time.Hour
}

func providerTitle(name string) string {
	switch name {
	case "invoicebox":
		return "Invoicebox"
	case "sbp":
		return "СБП"
	}
	return name
}
