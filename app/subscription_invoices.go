package app

import (
	"context"

	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/subscriptions"
)

// subscriptionInvoices hands billing's payables of kind subscriptions.InvoiceKind (the invoices of
// subscriptions on the invoice route) to the subscriptions service, which is wired after billing.
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
