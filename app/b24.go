package app

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/portal"
)

// tabTokenTTL bounds how long a rendered tab may call the API without being reopened.
const tabTokenTTL = 2 * time.Hour

// wireB24 builds the Bitrix24 side when a portal is configured.
func (a *App) wireB24() error {
	a.portals = portal.NewRepo(a.db, a.box, a.clock)
	if !a.cfg.B24.Enabled() {
		return nil // logged with the other route groups at start (logRoutes)
	}
	bcfg := bitrix.Config{ClientID: a.cfg.B24.ClientID, ClientSecret: a.cfg.B24.ClientSecret, Rate: a.cfg.B24.Rate,
		Burst: a.cfg.B24.Burst, Now: a.clock.Now, RetryBase: a.cfg.B24.RetryBase}
	endpoints := portal.Endpoints{Client: a.cfg.B24.PortalURL + "/rest/", Server: a.cfg.B24.OAuthURL + "/rest/",
		ServerFixed: a.cfg.B24.OAuthFixed}
	a.b24 = portal.NewClients(a.portals, bcfg, endpoints, a.log)
	a.instalments = instalment.NewService(a.db, a.clock, a.portals, a.b24, a.log,
		instalment.Config{Location: a.cfg.Timezone, RemindDays: a.cfg.RemindDays, Merchant: a.cfg.Recur.Merchant})
	a.instalments.Register(a.outbox)
	if err := a.wireFinance(); err != nil {
		return err
	}
	a.wireRobots()
	a.tabs = newTabSigner(a.cfg.SecretKey, tabTokenTTL)
	if err := a.sched.Add("reminders", a.cfg.CronReminders, a.instalments.RunReminders); err != nil {
		return err
	}
	return a.sched.Add("b24-resync", a.cfg.CronResync, a.resync)
}

// resync repairs the installed portal's state from Bitrix24 (events can be lost).
func (a *App) resync(ctx context.Context, _ time.Time) error {
	p, err := a.portals.Current(ctx)
	if err != nil || !p.Installed() {
		return nil
	}
	n, err := a.instalments.Resync(ctx, p.MemberID)
	if n > 0 {
		a.log.Info("re-sync applied changes missed by events", "member_id", p.MemberID, "changed", n)
	}
	booked, ferr := a.finance.Resync(ctx, p.MemberID)
	if booked > 0 {
		a.log.Info("re-sync booked company payments missed by events", "member_id", p.MemberID, "booked", booked)
	}
	return errors.Join(err, ferr)
}

func (a *App) b24Routes(r *gin.Engine) {
	if a.b24 == nil {
		return
	}
	b := r.Group("/b24")
	b.POST("/install", a.b24Install)
	b.POST("/app", a.b24App)
	b.POST("/events", a.b24Events)
	b.POST("/placement", a.b24Placement)
	api := r.Group("/api/v1", a.tabAuth)
	api.GET("/tab", a.apiTab)
	api.GET("/schedule", a.apiSchedule)
	api.POST("/preview", a.apiPreview)
	api.POST("/schedule", a.apiCreate)
	api.DELETE("/schedule", a.apiDelete)
	api.PATCH("/instalments/:id", a.ownInstalment, a.apiEdit)
	api.POST("/instalments/:id/preview", a.ownInstalment, a.apiEditPreview)
	api.POST("/instalments/:id/invoice", a.ownInstalment, a.apiInvoice)
	a.robotRoutes(b, api)
}
