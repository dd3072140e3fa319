package app

import (
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"b24pay/templates"
)

func (a *App) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	// Only configured proxies may name the client in X-Forwarded-For: allow-lists (provider
	// notification IPs, /metrics) then see the real peer. The list was validated at start.
	_ = r.SetTrustedProxies(a.cfg.Security.trustedProxies())
	r.Use(requestID(), observe(a.log, newHTTPMetrics(a.registry)), recovery(), securityHeaders(a.portalOrigin()), limitBody(), interactive())
	r.GET("/", a.home)
	r.GET("/docs/:name", a.docsFile)
	r.GET("/healthz", a.healthz)
	r.GET("/readyz", a.readyz)
	r.GET("/metrics", metricsGuard(a.cfg.Security), gin.WrapH(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{})))
	r.StaticFS("/static", templates.Static())
	a.b24Routes(r)
	a.billingRoutes(r)
	a.holidayRoutes(r)
	a.subscriptionRoutes(r)
	a.cabinetRoutes(r)
	a.financeRoutes(r)
	return r
}

// portalOrigin is the configured portal's scheme://host[:port], the only page that may frame ours.
func (a *App) portalOrigin() string {
	u, err := url.Parse(a.cfg.B24.PortalURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
