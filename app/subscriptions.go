package app

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/billing/sbp"
	"b24pay/billing/yookassa"
	"b24pay/mail"
	"b24pay/portal"
	"b24pay/subscriptions"
)

// recurring is the wiring of subscriptions: the service, the card gateway and the notification
// allow-list.
type recurring struct {
	subs     *subscriptions.Service
	yookassa *yookassa.Client // nil when not configured
	ips      yookassa.Allowlist
	anyIP    bool
}

// wireSubscriptions builds e-mail sending, the card gateway, the subscriptions service and its
// billing pass.
func (a *App) wireSubscriptions() error {
	cfg := a.cfg.Recur
	tpl, err := mail.Parse()
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(cfg.Mail, tpl, a.log)
	if err != nil {
		return err
	}
	a.outbox.Handle(mail.Topic, sender.Handle)
	r := &recurring{anyIP: len(cfg.YooKassaNotifyIPs) == 1 && cfg.YooKassaNotifyIPs[0] == "any"}
	if !r.anyIP {
		r.ips, _ = yookassa.NewAllowlist(cfg.YooKassaNotifyIPs) // validated with the config
	}
	var gw subscriptions.Gateway
	if cfg.YooKassaEnabled() {
		yc := cfg.yookassaConfig()
		yc.Logger = a.log
		if r.yookassa, err = yookassa.New(yc); err != nil {
			return &ConfigError{"B24PAY_YOOKASSA_SECRET_KEY", err.Error()}
		}
		gw = subscriptions.YooKassa{Client: r.yookassa}
	}
	r.subs, err = subscriptions.NewService(a.db, a.clock, a.log, subscriptions.Config{Merchant: cfg.Merchant,
		PublicURL: a.cfg.PublicURL, Dunning: cfg.DunningDays, AfterDunning: cfg.DunningEnd, Location: a.cfg.Timezone,
		RemindDays: cfg.RemindDays}, gw)
	if err != nil {
		return err
	}
	if err := a.wireSBPSubscriptions(r.subs); err != nil {
		return err
	}
	if a.payments != nil { // the invoice route follows billing's Invoicebox route, switched on or off
		r.subs.UseInvoicebox(a.payments)
		r.subs.RegisterInvoices(a.outbox)
		r.subs.UseRefunds(a.payments) // refunds of every route's charges go through billing
	}
	a.recur = r
	if r.yookassa != nil && a.payments != nil {
		a.payments.HandleNotifications("yookassa", yookassaInbox{r})
		a.payments.ServeRefunds(billing.NewYooKassa(r.yookassa))
	}
	if a.b24 != nil {
		sync := &subscriptionsB24{a: a, spa: map[string]portal.SubscriptionsSPA{}}
		a.outbox.Handle(subscriptions.TopicB24Sync, sync.update)
		a.outbox.Handle(subscriptions.TopicNotifyManager, sync.notify)
	}
	return a.sched.Add("subscriptions", cfg.CronSubscriptions, func(ctx context.Context, now time.Time) error {
		_, err := r.subs.RunDue(ctx, now)
		return err
	})
}

// subscriptionTabAuth accepts the tab tokens of deals, leads (refused by each route), contacts
// and companies on the subscription API.
func (a *App) subscriptionTabAuth(c *gin.Context) { a.tabAuthOf(c, subscriptionTabTypes) }

// wireSBPSubscriptions turns the SBP subscription route on when the bank has enabled it
// (B24PAY_SBP_SUBSCRIPTIONS) for the configured SBP merchant.
func (a *App) wireSBPSubscriptions(subs *subscriptions.Service) error {
	if !a.cfg.Recur.SBPSubscriptions {
		return nil
	}
	if !a.cfg.Billing.SBPEnabled() {
		return &ConfigError{"B24PAY_SBP_SUBSCRIPTIONS", "needs the SBP route configured (B24PAY_SBP_SECRET_KEY)"}
	}
	sc := a.cfg.Billing.sbpConfig()
	sc.Logger = a.log
	client, err := sbp.New(sc)
	if err != nil {
		return &ConfigError{"B24PAY_SBP_SECRET_KEY", err.Error()}
	}
	subs.UseSBP(subscriptions.SBP{Client: client})
	return nil
}

// subscriptionRoutes mounts the manager's API, the client's pages and the YooKassa webhook.
func (a *App) subscriptionRoutes(r *gin.Engine) {
	if a.instalments != nil {
		auth := a.subscriptionTabAuth
		r.GET("/api/v1/subscriptions", auth, a.apiListSubscriptions)
		r.POST("/api/v1/subscriptions", auth, a.apiCreateSubscription)
		r.POST("/api/v1/subscriptions/:id/pause", auth, a.apiPauseSubscription)
		r.POST("/api/v1/subscriptions/:id/resume", auth, a.apiResumeSubscription)
		r.POST("/api/v1/subscriptions/:id/cancel", auth, a.apiCancelSubscription)
		r.POST("/api/v1/subscriptions/:id/amount", auth, a.apiChangeSubscriptionAmount)
		r.POST("/api/v1/subscriptions/:id/charges/:seq/refund", auth, a.apiRefundSubscriptionCharge)
	}
	r.GET("/s/:token", a.subscriptionPage)
	r.POST("/s/:token", a.subscriptionAccept)
	r.GET("/s/:token/done", a.subscriptionDone)
	r.GET("/s/:token/card", a.subscriptionPage)
	r.POST("/s/:token/card", a.subscriptionReplaceCard)
	r.POST("/s/:token/cancel", a.subscriptionCancel)
	r.POST("/s/:token/amount", a.subscriptionAcceptAmount)
	r.POST("/webhooks/yookassa", a.yookassaWebhook)
}
