package sbp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Client calls the bank's SBP API. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *resty.Client
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	hc := *cfg.HTTPClient // resty fills in a nil Transport; keep the caller's client untouched
	rc := resty.NewWithClient(&hc).
		SetBaseURL(strings.TrimRight(cfg.BaseURL, "/")).
		SetLogger(quietLogger{}).
		SetHeader("Accept", "application/json")
	return &Client{cfg: cfg, http: rc}, nil
}

// call describes one request to the bank.
type call struct {
	op       string
	method   string
	path     string
	body     any
	auth     bool
	mutating bool
}

// envelope is the part every answer shares.
type envelope struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// do sends c, retrying 429s as configured, and decodes a successful answer into out (may be nil).
func (cl *Client) do(ctx context.Context, c call, out any) error {
	for attempt := 0; ; attempt++ {
		err := cl.once(ctx, c, out)
		wait, retry := cl.rateLimitWait(err, attempt)
		if !retry {
			return err
		}
		if ctxErr := sleep(ctx, wait); ctxErr != nil {
			// The rate-limited request was not carried out: the outcome is known.
			return fmt.Errorf("%w (gave up waiting: %w)", err, ctxErr)
		}
	}
}

func (cl *Client) rateLimitWait(err error, attempt int) (time.Duration, bool) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTooManyRequests {
		return 0, false
	}
	if attempt >= cl.cfg.RateLimitRetries || apiErr.RetryAfter > cl.cfg.MaxRetryAfter {
		return 0, false
	}
	return apiErr.RetryAfter, true
}

func (cl *Client) once(ctx context.Context, c call, out any) error {
	ctx, cancel := context.WithTimeout(ctx, cl.cfg.Timeout)
	defer cancel()
	req := cl.http.R().SetContext(ctx)
	if c.auth {
		req.SetAuthToken(cl.cfg.SecretKey)
	}
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return fmt.Errorf("sbp: %s: encode request: %w", c.op, err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(b)
	}
	start := time.Now()
	resp, err := req.Execute(c.method, c.path)
	if err != nil {
		cl.cfg.Logger.WarnContext(ctx, "sbp request failed", "op", c.op, "path", c.path, "error", err.Error())
		return transportError(ctx, c.op, err)
	}
	cl.cfg.Logger.DebugContext(ctx, "sbp request", "op", c.op, "path", c.path,
		"status", resp.StatusCode(), "duration", time.Since(start))
	return decodeAnswer(c, resp.StatusCode(), resp.Header(), resp.Body(), out)
}

func transportError(ctx context.Context, op string, err error) error {
	var netErr net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout())
	return &TransportError{Op: op, Timeout: timeout, Err: err}
}

// decodeAnswer turns an HTTP answer into out or an *APIError. Errors may come with any HTTP
// status, including 200 with a non-SUCCESS code, so both are checked.
func decodeAnswer(c call, status int, h http.Header, body []byte, out any) error {
	var env envelope
	jsonErr := json.Unmarshal(body, &env)
	if len(body) == 0 {
		jsonErr = nil
	}
	ok := status >= 200 && status < 300
	if ok && jsonErr == nil && (env.Code == "" || env.Code == CodeSuccess) {
		return decodeOut(c.op, body, out)
	}
	if ok && jsonErr != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResponse, c.op, jsonErr)
	}
	return &APIError{
		Op: c.op, Status: status, Code: env.Code, Message: truncate(env.Message, 500),
		RetryAfter: retryAfter(h.Get("Retry-After")), mutating: c.mutating,
	}
}

func decodeOut(op string, body []byte, out any) error {
	if out == nil {
		return nil
	}
	if len(body) == 0 {
		return fmt.Errorf("%w: %s: empty body", ErrBadResponse, op)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResponse, op, err)
	}
	return nil
}

// retryAfter reads Retry-After as seconds or an HTTP date; unreadable means zero.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// quietLogger drops resty's own log lines; we log once per request ourselves, without headers.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

var _ resty.Logger = quietLogger{}
