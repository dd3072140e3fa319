package app

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

const requestIDHeader = "X-Request-Id"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// requestID honours a sane incoming X-Request-Id or makes one, and echoes it back.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set("request_id", id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

// RequestID returns the id of the request being served.
func RequestID(c *gin.Context) string { return c.GetString("request_id") }

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "b24pay_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "b24pay_http_request_duration_seconds", Help: "HTTP request duration by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// observe logs each request once and records its metrics. Routes are labelled by pattern, not path,
// so ids in paths do not explode the metric's cardinality.
func observe(log *slog.Logger, m *httpMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		took := time.Since(start)
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(route, c.Request.Method).Observe(took.Seconds())
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		attrs := []any{"request_id", RequestID(c), "method", c.Request.Method, "route", route,
			"status", status, "took_ms", took.Milliseconds(), "remote", c.ClientIP()}
		if len(c.Errors) > 0 {
			attrs = append(attrs, "err", c.Errors.String())
		}
		log.Log(c.Request.Context(), level, "http request", attrs...)
	}
}

// recovery turns a handler panic into a 500 with the request id (logged by observe).
func recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		_ = c.Error(&panicError{v: err, stack: string(debug.Stack())})
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{
			"error": "internal", "message": "Внутренняя ошибка сервиса", "request_id": RequestID(c),
		})
	})
}

type panicError struct {
	v     any
	stack string
}

func (p *panicError) Error() string { return "panic: " + slog.AnyValue(p.v).String() + "\n" + p.stack }
