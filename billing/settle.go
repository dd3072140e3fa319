package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// ErrWrongAmount: the provider reports a paid amount other than the order's.
var ErrWrongAmount = errors.New("billing: paid amount differs from the order")

// resolve asks the provider what became of a payment and settles it accordingly.
func (s *Service) resolve(ctx context.Context, p *Payment) error {
	prov, ok := s.provider(p.Provider)
	if !ok {
		return ErrProviderNotConfigured
	}
	st, err := prov.Lookup(ctx, p.ID, p.ProviderRef)
	switch {
	case errors.Is(err, ErrOrderNotFound) && p.Status == StatusUnknown:
		return s.move(ctx, p.ID, StatusFailed, "") // the lost create never reached the provider
	case err != nil:
		return err
	}
	return s.apply(ctx, p.ID, st.Status, st.Ref, st.Paid)
}

// apply brings a payment to the status the provider reports. Stale reports (a "created" arriving
// after "completed") change nothing.
func (s *Service) apply(ctx context.Context, id, status, ref string, paid decimal.Decimal) error {
	switch status {
	case StatusSucceeded:
		return s.settle(ctx, id, ref, paid)
	case StatusPending:
		p, err := s.Get(ctx, id)
		if err != nil || p.Status != StatusUnknown {
			return err
		}
		return s.move(ctx, id, StatusPending, ref)
	case StatusFailed, StatusExpired, StatusCancelled:
		p, err := s.Get(ctx, id)
		if err != nil || !CanMove(p.Status, status) {
			return err
		}
		return s.move(ctx, id, status, ref)
	}
	return fmt.Errorf("billing: provider status %q not understood", status)
}

// settle marks a payment succeeded and books the money on its payable, once. A zero paid amount
// means the provider did not say; any other amount must be the order's.
func (s *Service) settle(ctx context.Context, id, ref string, paid decimal.Decimal) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.lock(tx, id)
		if err != nil {
			return err
		}
		if !Open(p.Status) {
			return nil // already settled: a repeated or late report
		}
		if !paid.IsZero() && decimalToMinor(paid) != p.AmountMinor {
			return fmt.Errorf("%w: order %s, paid %s", ErrWrongAmount, minorToDecimal(p.AmountMinor), paid)
		}
		now := s.clock.Now()
		updates := map[string]any{"status": StatusSucceeded, "paid_minor": p.AmountMinor, "settled_at": now,
			"next_check_at": nil, "updated_at": now}
		if ref != "" && p.ProviderRef == "" {
			updates["provider_ref"] = ref
		}
		if err := tx.Model(&Payment{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		note := fmt.Sprintf("Оплата %s через %s (платёж %s)", formatRub(p.AmountMinor), providerTitle(p.Provider), p.ID)
		return s.payables.ApplyPaid(ctx, tx, p.MemberID, p.PayableKind, p.PayableID, p.AmountMinor, note)
	})
}

// nextCheck schedules the next reconciliation of an open payment: minutes, then hours, then daily.
func (s *Service) nextCheck(ctx context.Context, id string, attempts int, now time.Time) error {
	return s.db.WithContext(ctx).Model(&Payment{}).Where("id = ? AND status IN ?", id, []string{StatusPending, StatusUnknown}).
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

func formatRub(minor int64) string { return minorToDecimal(minor).StringFixed(2) + " ₽" }
