package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
	"b24pay/portal"
	"b24pay/templates"
)

// The client cabinet (issue 15) under /cabinet: server-rendered pages with a session cookie and
// a CSRF token in every form.

const (
	accountKey     = "cabinet.account"
	cabinetCSRFKey = "csrf"
)

// wireCabinet builds the cabinet service. Its e-mails go through the outbox to the mail sender
// (wired with subscriptions).
func (a *App) wireCabinet() error {
	if a.instalments == nil {
		return nil // the cabinet shows a portal's schedules: nothing without Bitrix24
	}
	var err error
	a.cabinet, err = cabinet.NewService(a.db, a.clock, a.log, cabinet.B24Cards{Clients: a.b24},
		cabinet.Config{BaseURL: a.cabinetBase()})
	if err != nil {
		return err
	}
	a.outbox.Handle(cabinet.TopicCardSync, a.cabinet.HandleCardSync)
	if err := a.sched.Add("cabinet-card-resync", a.cfg.CronResync, a.cabinet.ResyncCards); err != nil {
		return err
	}
	return a.sched.Add("cabinet-attempts-purge", "17 * * * *", a.cabinet.PurgeAttempts)
}

// cabinetBase is where the cabinet is served: B24PAY_CABINET_URL, else B24PAY_PUBLIC_URL.
func (a *App) cabinetBase() string {
	if a.cfg.CabinetURL != "" {
		return a.cfg.CabinetURL
	}
	return a.cfg.PublicURL
}

func (a *App) cabinetRoutes(r *gin.Engine) {
	if a.cabinet == nil {
		return
	}
	r.POST("/api/v1/invite", a.tabAuth, a.apiInvite)
	pub := r.Group("/cabinet", a.cabinetCSRF)
	pub.GET("/register", a.cabinetRegisterForm)
	pub.POST("/register", a.cabinetRegister)
	pub.GET("/verify", a.cabinetVerify)
	pub.GET("/login", a.cabinetLoginForm)
	pub.POST("/login", a.cabinetLogin)
	pub.GET("/forgot", a.cabinetForgotForm)
	pub.POST("/forgot", a.cabinetForgot)
	pub.GET("/reset", a.cabinetResetForm)
	pub.POST("/reset", a.cabinetReset)
	priv := pub.Group("", a.cabinetAuth)
	priv.GET("", a.cabinetOverview)
	priv.GET("/schedules", a.cabinetSchedules)
	priv.POST("/instalments/:id/pay", a.cabinetPay)
	priv.GET("/payments", a.cabinetPayments)
	priv.GET("/payments/:id/receipt", a.cabinetPaymentReceipt)
	priv.GET("/subscriptions/:id/charges/:seq/receipt", a.cabinetChargeReceipt)
	priv.GET("/profile", a.cabinetProfileForm)
	priv.POST("/profile", a.cabinetProfile)
	priv.GET("/subscriptions", a.cabinetSubscriptions)
	priv.POST("/subscriptions/:id/pause", a.cabinetPauseSubscription)
	priv.POST("/subscriptions/:id/resume", a.cabinetResumeSubscription)
	priv.POST("/subscriptions/:id/cancel", a.cabinetCancelSubscription)
	priv.POST("/subscriptions/:id/card", a.cabinetReplaceCard)
	priv.POST("/subscriptions/:id/route", a.cabinetSwitchRoute)
	priv.GET("/subscriptions/:id/done", a.cabinetSubscriptionDone)
	priv.GET("/users", a.cabinetUsers)
	priv.POST("/users/invite", a.cabinetInviteUser)
	priv.POST("/users/:id/remove", a.cabinetRemoveUser)
	priv.POST("/logout", a.cabinetLogout)
}

// Cookies: the session, and a random pre-session value that anonymous forms' CSRF tokens are
// bound to. With an https cabinet they are __Host- cookies (Secure, whole host, no Domain).
func (a *App) cabinetCookie(name string) string {
	if a.cabinetSecure() {
		return "__Host-b24cab_" + name
	}
	return "b24cab_" + name
}

func (a *App) cabinetSecure() bool { return strings.HasPrefix(a.cabinetBase(), "https://") }

func (a *App) setCabinetCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: a.cabinetCookie(name), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: a.cabinetSecure(), SameSite: http.SameSiteLaxMode})
}

func (a *App) clearCabinetCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: a.cabinetCookie(name), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: a.cabinetSecure(), SameSite: http.SameSiteLaxMode})
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfSeed is what the form tokens of this visitor are bound to: the session when signed in,
// else the pre-session cookie (set here when missing).
func (a *App) csrfSeed(c *gin.Context) string {
	if s, err := c.Cookie(a.cabinetCookie("session")); err == nil && s != "" {
		return "s:" + s
	}
	pre, err := c.Cookie(a.cabinetCookie("pre"))
	if err != nil || len(pre) < 40 {
		pre = randomToken()
		a.setCabinetCookie(c, "pre", pre, 24*time.Hour)
		c.Request.AddCookie(&http.Cookie{Name: a.cabinetCookie("pre"), Value: pre})
	}
	return "p:" + pre
}

func (a *App) csrfToken(c *gin.Context) string {
	mac := hmac.New(sha256.New, a.cfg.SecretKey)
	mac.Write([]byte("b24pay cabinet csrf v1\x00" + a.csrfSeed(c)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// cabinetCSRF refuses a POST whose form token is not this visitor's, and keeps every cabinet
// page out of caches and frames.
func (a *App) cabinetCSRF(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if c.Request.Method != http.MethodPost {
		return
	}
	want := a.csrfToken(c)
	if !hmac.Equal([]byte(c.PostForm(cabinetCSRFKey)), []byte(want)) {
		a.cabinetMessage(c, http.StatusForbidden, "Страница устарела",
			"Форма была открыта слишком давно или в другой вкладке. Обновите страницу и отправьте её ещё раз.")
		c.Abort()
	}
}

// cabinetAuth lets a signed-in client of the installed portal through; anyone else is sent to sign in.
func (a *App) cabinetAuth(c *gin.Context) {
	raw, _ := c.Cookie(a.cabinetCookie("session"))
	acct, err := a.cabinet.Session(c.Request.Context(), raw)
	if err == nil {
		var p *portal.Portal
		if p, err = a.portals.Current(c.Request.Context()); err == nil && p.MemberID != acct.MemberID {
			err = cabinet.ErrNoSession
		}
	}
	if errors.Is(err, cabinet.ErrNoSession) {
		if raw != "" {
			a.clearCabinetCookie(c, "session")
		}
		next := ""
		if c.Request.Method == http.MethodGet {
			next = "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
		}
		c.Redirect(http.StatusSeeOther, "/cabinet/login"+next)
		c.Abort()
		return
	}
	if err != nil {
		a.cabinetFail(c, err)
		c.Abort()
		return
	}
	c.Set(accountKey, acct)
}

func accountOf(c *gin.Context) cabinet.Account { return c.MustGet(accountKey).(cabinet.Account) }

// memberOf is the installed portal the cabinet serves.
func (a *App) cabinetMember(c *gin.Context) (string, bool) {
	p, err := a.portals.Current(c.Request.Context())
	if err != nil || !p.Installed() {
		a.cabinetMessage(c, http.StatusServiceUnavailable, "Кабинет недоступен", "Кабинет ещё не подключён. Попробуйте позже.")
		return "", false
	}
	return p.MemberID, true
}

// cabinetPage fills what every cabinet page carries.
func (a *App) cabinetPage(c *gin.Context, title, nav string) templates.CabinetPage {
	p := templates.CabinetPage{Title: title, Nav: nav, CSRF: a.csrfToken(c), Form: map[string]string{}, Errors: map[string]string{}}
	if v, ok := c.Get(accountKey); ok {
		acct := v.(cabinet.Account)
		p.User, p.Legal = acct.Name, acct.Kind != cabinet.KindPerson || acct.OfCompany()
	}
	return p
}

func (a *App) cabinetMessage(c *gin.Context, status int, title, text string) {
	p := a.cabinetPage(c, title, "")
	p.Message = text
	a.render(c, status, "cabinet_message.html", p)
}

func (a *App) cabinetFail(c *gin.Context, err error) {
	_ = c.Error(err)
	a.cabinetMessage(c, http.StatusInternalServerError, "Что-то пошло не так", "Попробуйте обновить страницу через минуту.")
}

// clientIP is the client's address for per-address throttling: the peer, or what a proxy listed in
// B24PAY_TRUSTED_PROXIES forwards (nobody else can name an address to escape the limit).
func clientIP(c *gin.Context) string { return c.ClientIP() }
