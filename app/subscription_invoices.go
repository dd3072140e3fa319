package app

import (
	"context"

	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/subscriptions"
)

// subscriptionInvoices hands billing's payables of kinds subscriptions.InvoiceKind (the invoices of
// subscriptions on the invoice route) and subscriptions.ChargeKind (card and SBP charges being
// refunded) to the subscriptions service, which is wired after billing.
type subscriptionInvoices struct{ a *App }

func (p subscriptionInvoices) subs() (*subscriptions.Service, error) {
	if p.a.recur == nil {
		return nil, subscriptions.ErrNotFound
	}
	return p.a.recur.subs, nil
}

func (p subscriptionInvoices) Payable(ctx context.Context, memberID, kind string, id int64) (billing.Payable, error) {
	s, err := p.subs()
	if err != nil {
		return billing.Payable{}, err
	}
	return s.Payable(ctx, memberID, kind, id)
}

func (p subscriptionInvoices) ApplyPaid(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	s, err := p.subs()
	if err != nil {
		return err
	}
	return s.ApplyPaid(ctx, tx, memberID, kind, id, amountMinor, note)
}

func (p subscriptionInvoices) ApplyRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	s, err := p.subs()
	if err != nil {
		return err
	}
	return s.ApplyRefund(ctx, tx, memberID, kind, id, amountMinor, note)
}

func (p subscriptionInvoices) ReleaseRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	s, err := p.subs()
	if err != nil {
		return err
	}
	return s.ReleaseRefund(ctx, tx, memberID, kind, id, amountMinor, note)
}

func (p subscriptionInvoices) RefundSucceeded(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, r billing.Refund) error {
	s, err := p.subs()
	if err != nil {
		return err
	}
	return s.RefundSucceeded(ctx, tx, memberID, kind, id, r)
}
