package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/subscriptions"
)

// wireBilling builds the payments core with the configured routes (environment, overridden by
// what the portal's admin saved on the settings page).
func (a *App) wireBilling() error {
	if a.instalments == nil {
		return nil // payments are for Bitrix24 payables; nothing to pay without a portal
	}
	a.routeSettings = billing.NewSettingsStore(a.db, a.box, a.clock)
	cfg, err := a.effectiveBilling(context.Background())
	if err != nil {
		return err
	}
	providers, off, err := buildProviders(cfg)
	if err != nil {
		return err
	}
	a.payments = billing.NewService(a.db, a.clock, a.log, payables{a.instalments, b24Payments{a}, subscriptionInvoices{a}},
		billing.Config{PublicURL: a.cfg.PublicURL, TimeLimits: map[string]time.Duration{
			"invoicebox": a.cfg.Billing.InvoiceboxTimeLimit, "sbp": a.cfg.Billing.SBPQRTTL}}, providers...)
	a.payments.SetRoutes(providers, off)
	a.instalments.SetOrders(a.payments)
	a.payments.Register(a.outbox)
	a.outbox.Handle(instalment.TopicAmountsChanged, a.followAmounts)
	a.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "b24pay_notifications_rejected_total",
		Help: "Provider notifications refused as unsigned or unreadable (kept truncated, purged after a week)."},
		func() float64 { return float64(a.payments.RejectedCount()) }))
	if n, err := a.payments.ResumeReceived(context.Background()); err != nil {
		return err
	} else if n > 0 {
		a.log.Info("notifications left unprocessed by the last run queued", "count", n)
	}
	a.instalments.SetInFlight(a.instalmentsInFlight)
	a.outbox.Handle(topicB24PayMark, b24Payments{a}.markPaid)
	return a.sched.Add("reconcile-payments", a.cfg.Billing.CronReconcile, a.payments.Reconcile)
}

// followAmounts moves the open orders of instalments whose amount changed to the new amount.
func (a *App) followAmounts(ctx context.Context, job outbox.Job) error {
	var m instalment.AmountsChanged
	if err := job.Decode(&m); err != nil {
		return err
	}
	return a.payments.Follow(ctx, job.MemberID, instalment.PayableKind, m.IDs)
}

// effectiveBilling is the environment's route settings with the installed portal's saved ones on top.
func (a *App) effectiveBilling(ctx context.Context) (BillingConfig, error) {
	p, err := a.portals.Current(ctx)
	if errors.Is(err, portal.ErrNotFound) {
		return a.cfg.Billing, nil
	}
	if err != nil {
		return a.cfg.Billing, err
	}
	saved, err := a.routeSettings.Load(ctx, p.MemberID)
	return a.cfg.Billing.withSaved(saved), err
}

// buildProviders makes a client per switched-on route, and per switched-off route that still has
// its settings (it serves its live payments).
func buildProviders(cfg BillingConfig) (active, off []billing.Provider, err error) {
	if active, err = buildActive(cfg); err != nil {
		return nil, nil, err
	}
	for _, c := range []*BillingConfig{cfg.InvoiceboxOff, cfg.SBPOff} {
		if c == nil {
			continue
		}
		if c.InvoiceboxVAT == "" {
			c.InvoiceboxVAT = "none"
		}
		p, err := buildActive(*c)
		if err != nil {
			return nil, nil, err
		}
		off = append(off, p...)
	}
	return active, off, nil
}

func buildActive(cfg BillingConfig) ([]billing.Provider, error) {
	var providers []billing.Provider
	if cfg.InvoiceboxEnabled() {
		vat, _ := vatCode(cfg.InvoiceboxVAT) // validated with the config
		ib, err := billing.NewInvoicebox(cfg.invoiceboxConfig(), vat)
		if err != nil {
			return nil, &ConfigError{"B24PAY_INVOICEBOX_TOKEN", err.Error()}
		}
		providers = append(providers, ib)
	}
	if cfg.SBPEnabled() {
		qr, err := billing.NewSBP(cfg.sbpConfig())
		if err != nil {
			return nil, &ConfigError{"B24PAY_SBP_SECRET_KEY", err.Error()}
		}
		providers = append(providers, qr)
	}
	return providers, nil
}

// billingRoutes mounts the provider webhooks, pay pages and the tab's pay action. Webhooks of
// routes never configured answer 404; a switched-off route still takes its notifications.
func (a *App) billingRoutes(r *gin.Engine) {
	if a.payments == nil {
		return
	}
	r.POST("/webhooks/invoicebox", a.routeOn("invoicebox"), a.invoiceboxWebhook)
	r.POST("/webhooks/sbp", a.routeOn("sbp"), a.sbpWebhook)
	r.POST("/api/v1/instalments/:id/pay", a.tabAuth, a.ownInstalment, a.apiPay)
	r.POST("/api/v1/payments/:id/refund", a.tabAuth, a.apiRefund)
	r.POST("/api/v1/payments/:id/send", a.tabAuth, a.apiSendPayLink)
	r.GET("/api/v1/payments/:id/send", a.tabAuth, a.apiPayLinkDeliveries)
	r.GET("/pay/:token", a.payPage)
	r.GET("/pay/:token/qr.png", a.payQR)
	r.POST("/b24/paysystem/:code", a.paySystemCheckout)
	r.POST("/b24/settings", a.saveSettings)
	r.POST("/b24/settings/check", a.checkConnection)
}

// routeOn answers 404 for a route that is not configured, now or before.
func (a *App) routeOn(code string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !a.payments.Serves(code) {
			c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"status": "error", "code": "route_not_configured"})
		}
	}
}

// payables routes billing's payables to their owners: instalments, Bitrix24's own payments and
// the invoices of subscriptions.
type payables struct {
	instalments *instalment.Service
	b24         b24Payments
	invoices    subscriptionInvoices
}

func (p payables) Payable(ctx context.Context, memberID, kind string, id int64) (billing.Payable, error) {
	if kind == b24PaymentKind {
		return p.b24.Payable(ctx, memberID, id)
	}
	if subscriptionKind(kind) {
		return p.invoices.Payable(ctx, memberID, kind, id)
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
	if subscriptionKind(kind) {
		return p.invoices.ApplyPaid(ctx, tx, memberID, kind, id, amountMinor, note)
	}
	return p.instalments.ApplyPaid(ctx, tx, memberID, id, amountMinor, note)
}

func (p payables) ApplyRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	if kind == b24PaymentKind {
		return nil // Bitrix24 records refunds of its payments itself
	}
	if subscriptionKind(kind) {
		return p.invoices.ApplyRefund(ctx, tx, memberID, kind, id, amountMinor, note)
	}
	return p.instalments.ApplyRefund(ctx, tx, memberID, id, amountMinor, note)
}

// ReleaseRefund gives back the reservation of a refused refund: on a subscription's charge its
// refunded amount, elsewhere the money booked back as paid.
func (p payables) ReleaseRefund(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, amountMinor int64, note string) error {
	if subscriptionKind(kind) {
		return p.invoices.ReleaseRefund(ctx, tx, memberID, kind, id, amountMinor, note)
	}
	return p.ApplyPaid(ctx, tx, memberID, kind, id, amountMinor, note)
}

// RefundSucceeded announces a finished refund of a subscription's charge (the «Подписки» item's
// comment and the client's e-mail); instalments show their refunds in the tab only.
func (p payables) RefundSucceeded(ctx context.Context, tx *gorm.DB, memberID, kind string, id int64, r billing.Refund) error {
	if subscriptionKind(kind) {
		return p.invoices.RefundSucceeded(ctx, tx, memberID, kind, id, r)
	}
	return nil
}

// subscriptionKind tells whether a payable is a subscription's charge (its invoice or its own).
func subscriptionKind(kind string) bool {
	return kind == subscriptions.InvoiceKind || kind == subscriptions.ChargeKind
}

// providerCodes lists the configured payment routes that take the currency, for the tab's pay
// buttons, and says why each other configured route is not offered.
func (a *App) providerCodes(currency string) (codes []string, withheld map[string]string) {
	codes, withheld = []string{}, map[string]string{}
	for _, code := range []string{"invoicebox", "sbp"} {
		if a.payments == nil || !a.payments.Has(code) {
			continue
		}
		if err := a.payments.Unavailable(code, currency); err != nil {
			withheld[code] = fmt.Sprintf("%s не принимает %s", routeTitles[code], currency)
			continue
		}
		codes = append(codes, code)
	}
	return codes, withheld
}

var routeTitles = map[string]string{"invoicebox": "Invoicebox", "sbp": "СБП"}
