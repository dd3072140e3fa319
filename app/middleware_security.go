package app

import (
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
)

// Body caps. Every route gets defaultBodyCap unless bodyCaps names it; a request that announces a
// larger body is refused before anything reads it, and a body that grows past the cap fails the read.
const defaultBodyCap = 64 << 10

var bodyCaps = map[string]int64{
	"POST /api/v1/schedule":     1 << 20,   // a custom plan carries up to a few hundred rows
	"POST /api/v1/preview":      1 << 20,   //
	"POST /b24/install":         256 << 10, // Bitrix24's page and event forms
	"POST /b24/app":             256 << 10,
	"POST /b24/placement":       256 << 10,
	"POST /b24/events":          256 << 10,
	"POST /b24/paysystem/:code": 256 << 10,
	"POST /b24/settings":        16 << 10, // a dozen short fields
}

// bodyCap is the limit of the matched route.
func bodyCap(c *gin.Context) int64 {
	if n, ok := bodyCaps[c.Request.Method+" "+c.FullPath()]; ok {
		return n
	}
	return defaultBodyCap
}

// limitBody bounds every request body by its route's cap.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := bodyCap(c)
		if c.Request.ContentLength > limit {
			c.Header("Connection", "close")
			jsonError(c, http.StatusRequestEntityTooLarge, "body_too_large", "Слишком большой запрос")
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// securityHeaders sets what every answer carries: no MIME sniffing, and framing only by the
// configured portal (the tab and the app page live in its iframe), whose stylesheets those pages
// may load. Pay pages, metrics and the API are never framed.
func securityHeaders(portalOrigin string) gin.HandlerFunc {
	// Pages under /b24/ may be framed by the portal and may take stylesheets from it too (the
	// portal's ui kit, templates/portal_ui.go); nothing else but our own.
	framed := "frame-ancestors 'none'; style-src 'self'"
	if portalOrigin != "" {
		framed = "frame-ancestors " + portalOrigin + "; style-src 'self' " + portalOrigin
	}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if strings.HasPrefix(c.Request.URL.Path, "/b24/") {
			h.Set("Content-Security-Policy", "base-uri 'self'; object-src 'none'; "+framed)
		} else {
			h.Set("Content-Security-Policy", "base-uri 'self'; object-src 'none'; frame-ancestors 'none'")
			h.Set("X-Frame-Options", "DENY")
		}
		c.Next()
	}
}

// metricsGuard lets /metrics through only with the configured bearer token and/or from the
// configured addresses (both must hold when both are set). With neither, /metrics is open.
func metricsGuard(s SecurityConfig) gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(s.MetricsAllow) > 0 && !allowed(s.MetricsAllow, c.Request.RemoteAddr) {
			c.AbortWithStatus(http.StatusForbidden)
			return
		}
		if s.MetricsToken != "" {
			got, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.MetricsToken)) != 1 {
				c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
				c.AbortWithStatus(http.StatusUnauthorized)
				return
			}
		}
		c.Next()
	}
}

// allowed matches the connection's peer address (never a forwarded header) against the list.
func allowed(list []netip.Prefix, remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range list {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// interactive marks every request's context: a person (or Bitrix24, or a provider) is waiting, so
// Bitrix24's QUERY_LIMIT_EXCEEDED is retried only a few times before the request answers. The
// outbox and the scheduled passes run on their own contexts and keep retrying.
func interactive() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request = c.Request.WithContext(bitrix.Interactive(c.Request.Context()))
		c.Next()
	}
}
