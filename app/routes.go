package app

import (
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"b24pay/templates"
)

func (a *App) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.Use(requestID(), observe(a.log, newHTTPMetrics(a.registry)), recovery())
	r.GET("/healthz", a.healthz)
	r.GET("/readyz", a.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{})))
	r.StaticFS("/static", templates.Static())
	a.b24Routes(r)
	a.billingRoutes(r)
	a.subscriptionRoutes(r)
	return r
}
