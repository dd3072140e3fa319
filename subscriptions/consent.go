package subscriptions

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Accept records the client's consent and starts the first, customer-initiated payment, which
// saves the card. It returns the page where the client confirms the payment. Asked again (a
// double click, a reload) it returns the same payment: the first charge is unique per period and
// its idempotency key makes the gateway answer with the original payment.
func (s *Service) Accept(ctx context.Context, in AcceptInput) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	sub, err := s.ByToken(ctx, in.Token)
	if err != nil {
		return "", err
	}
	if sub.Status != StatusAwaitingConsent {
		return "", fmt.Errorf("%w: subscription is %s", ErrConflict, sub.Status)
	}
	if err := s.checkRoute(sub.Route, sub.Currency); err != nil {
		return "", err
	}
	sub.ConsentedMinor = sub.consentCap()
	if sub.Route == RouteInvoicebox {
		return s.acceptInvoices(ctx, sub, in)
	}
	charge, err := s.recordConsent(ctx, sub, in)
	if err != nil {
		return "", err
	}
	res, err := s.attempt(ctx, sub, charge)
	if err != nil {
		return "", err
	}
	if res.Status != ChargePending || res.ConfirmURL == "" {
		return "", fmt.Errorf("%w: first payment is %s", ErrConflict, res.Status)
	}
	return res.ConfirmURL, nil
}

// recordConsent stores the consent and the first charge in one transaction. A failed first
// payment is tried again as a new attempt.
func (s *Service) recordConsent(ctx context.Context, sub Subscription, in AcceptInput) (Charge, error) {
	now := s.clock.Now()
	var charge Charge
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(s.consent(sub, s.Terms(sub), in.IP, in.UserAgent)).Error; err != nil {
			return err
		}
		err := tx.Model(&Subscription{}).Where("id = ?", sub.ID).Update("consented_minor", sub.ConsentedMinor).Error
		if err != nil {
			return err
		}
		charge, err = openCharge(tx, sub, 0, KindFirst, now)
		if err != nil {
			return err
		}
		if charge.Status == ChargeFailed || charge.Status == ChargeDeclined {
			return s.retryCharge(tx, &charge, sub, true, "", now)
		}
		return nil
	})
	return charge, err
}

// consent is the record of the client agreeing to terms now, from ip with userAgent.
func (s *Service) consent(sub Subscription, terms Terms, ip, userAgent string) *Consent {
	return &Consent{SubscriptionID: sub.ID, MemberID: sub.MemberID, TextVersion: s.cfg.ConsentVersion,
		AcceptedAt: s.clock.Now(), IP: ip, UserAgent: userAgent, Terms: terms.json()}
}
