package subscriptions

import (
	"context"
	"fmt"

	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/schedules"
)

// ErrBeyondConsent: a charge would exceed what the client agreed to; it is never sent.
var ErrBeyondConsent = fmt.Errorf("%w: amount beyond the client's consent", ErrConflict)

// amountChangeRule is the clause of the terms on changes of the amount, shown with the consent.
const amountChangeRule = "Сумма может измениться только со следующего периода; " +
	"списать больше согласованной суммы мы можем только после вашего нового согласия."

// withinConsent refuses a charge above the consented amount per period.
func (s Subscription) withinConsent(amountMinor int64) error {
	if amountMinor > s.ConsentedMinor {
		return fmt.Errorf("%w: subscription %d, %d > %d", ErrBeyondConsent, s.ID, amountMinor, s.ConsentedMinor)
	}
	return nil
}

// consentCap is the most one period costs under the terms the client is shown now.
func (s Subscription) consentCap() int64 {
	m := s.AmountMinor
	if s.FirstAmountMinor != nil && *s.FirstAmountMinor > m {
		m = *s.FirstAmountMinor
	}
	return m
}

// ChangeAmountInput is a manager's new amount per period.
type ChangeAmountInput struct {
	MemberID string
	ID       int64
	Amount   decimal.Decimal
}

// ChangeAmount sets a new amount per period. It never touches a period that has started: it
// applies from the first period starting after today. Up to the consented amount it applies
// by itself; above it, it waits for the client's new consent on their page (AcceptAmount), and
// until then periods are charged the old amount. Before the first consent the terms just change.
func (s *Service) ChangeAmount(ctx context.Context, in ChangeAmountInput) (Subscription, error) {
	return s.change(ctx, in.MemberID, in.ID, func(_ *gorm.DB, w *writes, sub *Subscription) error {
		m, err := amountMinor(in.Amount, sub.Currency)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		switch sub.Status {
		case StatusCancelled, StatusEnded:
			return fmt.Errorf("%w: subscription is %s", ErrConflict, sub.Status)
		case StatusAwaitingConsent:
			sub.AmountMinor = m
			w.save(sub, now)
			return nil
		}
		s.foldEffectiveChange(sub, now)
		sub.NextAmountMinor, sub.NextAmountFromSeq = &m, s.nextPeriod(*sub, now)
		sub.NextAmountConsented = m <= sub.ConsentedMinor
		w.save(sub, now)
		return nil
	})
}

// foldEffectiveChange makes an agreed change whose first period has started the amount itself.
func (s *Service) foldEffectiveChange(sub *Subscription, now time.Time) {
	if sub.NextAmountMinor != nil && sub.NextAmountConsented && !sub.PeriodStart(sub.NextAmountFromSeq).After(s.today(now)) {
		sub.AmountMinor = *sub.NextAmountMinor
	}
	sub.NextAmountMinor, sub.NextAmountFromSeq, sub.NextAmountConsented = nil, 0, false
}

// nextPeriod is the first period starting after today.
func (s *Service) nextPeriod(sub Subscription, now time.Time) int {
	today := s.today(now)
	n := sub.Seq
	for !sub.PeriodStart(n).After(today) {
		n++
	}
	return n
}

// RegularAmount is what the next regular period costs: the amount, or an agreed change once it
// applies to that period.
func (sub Subscription) RegularAmount() int64 { return sub.amountFor(max(sub.Seq, 1)) }

// PendingAmount is a changed amount that waits for the client's consent, or nil.
func (sub Subscription) PendingAmount() *int64 {
	if sub.NextAmountMinor == nil || sub.NextAmountConsented {
		return nil
	}
	return sub.NextAmountMinor
}

// AcceptAmount records the client's consent to a changed amount: it applies from the first
// period starting after today, and becomes the consented amount.
func (s *Service) AcceptAmount(ctx context.Context, in AcceptInput) (Subscription, error) {
	if err := in.Validate(); err != nil {
		return Subscription{}, err
	}
	sub, err := s.ByToken(ctx, in.Token)
	if err != nil {
		return Subscription{}, err
	}
	return s.change(ctx, sub.MemberID, sub.ID, func(tx *gorm.DB, w *writes, sub *Subscription) error {
		if sub.PendingAmount() == nil {
			return fmt.Errorf("%w: no change of amount waits for consent", ErrConflict)
		}
		now := s.clock.Now()
		m := *sub.NextAmountMinor
		terms := s.Terms(*sub)
		terms.Amount = Human(m, sub.Currency)
		if err := tx.Create(s.consent(*sub, terms, in.IP, in.UserAgent)).Error; err != nil {
			return err
		}
		sub.NextAmountFromSeq, sub.NextAmountConsented, sub.ConsentedMinor = s.nextPeriod(*sub, now), true, m
		w.save(sub, now)
		return nil
	})
}

func amountMinor(d decimal.Decimal, currency string) (int64, error) {
	cur, err := schedules.LookupCurrency(currency)
	if err != nil {
		return 0, fieldErr("currency", "неизвестная валюта")
	}
	if !d.IsPositive() || !cur.Fits(d) || d.GreaterThanOrEqual(decimal.New(1, 10)) {
		return 0, fieldErr("amount", "сумма должна быть больше нуля, не больше двух знаков после запятой")
	}
	return minor(d, cur), nil
}
