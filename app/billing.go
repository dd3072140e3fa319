package app

import (
	"context"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/instalment"
)

// wireBilling builds the payments core with the configured routes.
func (a *App) wireBilling() error {
	if a.instalments == nil {
		return nil // payments are for Bitrix24 payables; nothing to pay without a portal
	}
	var providers []billing.Provider
	if a.cfg.Billing.InvoiceboxEnabled() {
		ib, err := billing.NewInvoicebox(a.cfg.Billing.invoiceboxConfig())
		if err != nil {
			return &ConfigError{"B24PAY_INVOICEBOX_TOKEN", err.Error()}
		}
		providers = append(providers, ib)
	}
	if a.cfg.Billing.SBPEnabled() {
		qr, err := billing.NewSBP(a.cfg.Billing.sbpConfig())
		if err != nil {
			return &ConfigError{"B24PAY_SBP_SECRET_KEY", err.Error()}
		}
		providers = append(providers, qr)
	}
	a.payments = billing.NewService(a.db, a.clock, a.log, payables{a.instalments, b24Payments{a}},
		billing.Config{PublicURL: a.cfg.PublicURL}, providers...)
	a.payments.Register(a.outbox)
	a.outbox.Handle(topicB24PayMark, b24Payments{a}.markPaid)
	return a.sched.Add("reconcile-payments", a.cfg.Billing.CronReconcile, a.payments.Reconcile)
}

// billingRoutes mounts the provider webhooks and the tab's pay action; unconfigured routes are absent.
func (a *App) billingRoutes(r *gin.Engine) {
	if a.payments == nil {
		return
	}
	if a.payments.Has("invoicebox") {
		r.POST("/webhooks/invoicebox", a.invoiceboxWebhook)
	}
	if a.payments.Has("sbp") {
		r.POST("/webhooks/sbp", a.sbpWebhook)
	}
	r.POST("/api/v1/instalments/:id/pay", a.tabAuth, a.apiPay)
	r.GET("/pay/:token", a.payPage)
	r.GET("/pay/:token/qr.png", a.payQR)
	r.POST("/b24/paysystem/:code", a.paySystemCheckout)
}

// payables routes billing's payables to their owners: instalments and Bitrix24's own payments.
type payables struct {
	instalments *instalment.Service
	b24         b24Payments
}

func (p payables) Payable(ctx context.Context, memberID, kind string, id int64) (billing.Payable, error) {
	if kind == b24PaymentKind {
		return p.b24.Payable(ctx, memberID, id)
	}
	if kind != instalment.PayableKind {
		return billing.Payable{}, instalment.ErrNotFound
	}
	info, err := p.instalments.PayableOf(ctx, memberID, id)
	if err != nil {
		return billing.Payable{}, err
	}
	out := billing.Payable{MemberID: memberID, Kind: kind, ID: id, OutstandingMinor: info.OutstandingMinor,
		Currency: info.Currency, Description: info.Description}
	if c := info.Client; c != nil {
		out.Customer = billing.Customer{Company: c.EntityType == "company" || len(c.INN) == 12, Name: c.Name, INN: c.INN,
			KPP: c.KPP, Email: c.Email, Phone: c.Phone, Address: c.LegalAddress}
		out.Trusted = c.Trusted
	}
	return out, nil
}

func (p payables) ApplyPaid(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	if kind == b24PaymentKind {
		return p.b24.ApplyPaid(ctx, tx, memberID, id, amountMinor)
	}
	return p.instalments.ApplyPaid(ctx, tx, memberID, id, amountMinor, note)
}

func (p payables) ApplyRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	if kind == b24PaymentKind {
		return nil // Bitrix24 records refunds of its payments itself
	}
	return p.instalments.ApplyRefund(ctx, tx, memberID, id, amountMinor, note)
}

// providerCodes lists the configured payment routes, for the tab's pay buttons.
func (a *App) providerCodes() []string {
	codes := []string{}
	for _, code := range []string{"invoicebox", "sbp"} {
		if a.payments != nil && a.payments.Has(code) {
			codes = append(codes, code)
		}
	}
	return codes
}
