package invoicebox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// DefaultRetryAfter is the wait after a 429 that carries no usable Retry-After.
const DefaultRetryAfter = time.Second

const maxResponseBytes = 4 << 20

// Client calls the Invoicebox merchant API of one shop. It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *resty.Client
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// New validates cfg and builds a client.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	rc := resty.NewWithClient(hc).
		SetBaseURL(cfg.BaseURL).
		SetLogger(restyLogger{cfg.Logger}).
		SetResponseBodyLimit(maxResponseBytes).
		SetRetryCount(0)
	return &Client{cfg: cfg, http: rc, now: time.Now, sleep: sleepCtx}, nil
}

// MerchantID is the shop the client works for.
func (c *Client) MerchantID() string { return c.cfg.MerchantID }

// call describes one API operation.
type call struct {
	op     string
	method string
	path   string // after the version prefix, starting with "/"
	query  url.Values
	body   any
	write  bool // may change state at Invoicebox
}

// do performs the call, waiting out 429 answers within the configured bounds (every
// call is safe to repeat after a 429: the request was not processed, and writes are
// protected by merchantOrderId uniqueness), and decodes data into out.
func (c *Client) do(ctx context.Context, cl call, out any) (string, error) {
	body, err := encodeBody(cl.body)
	if err != nil {
		return "", err
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, cl, body)
		if err != nil {
			return "", c.transportError(ctx, cl, err)
		}
		wait, retry := c.rateLimitWait(resp, attempt)
		if !retry {
			return c.decodeResponse(cl, resp, out)
		}
		c.cfg.Logger.DebugContext(ctx, "invoicebox rate limited, waiting", "op", cl.op, "wait", wait, "attempt", attempt+1)
		if err := c.sleep(ctx, wait); err != nil {
			// Nothing was processed: the last answer was a 429.
			rid := resp.Header().Get("X-Request-Id")
			return rid, fmt.Errorf("%w (wait interrupted: %v)", apiError(cl, resp, rid, c.now()), err)
		}
	}
}

func encodeBody(body any) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("invoicebox: encode request: %w", err)
	}
	return b, nil
}

func (c *Client) send(ctx context.Context, cl call, body []byte) (*resty.Response, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req := c.http.R().
		SetContext(actx).
		SetHeader("Authorization", "Bearer "+string(c.cfg.Token)).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", c.cfg.UserAgent)
	if body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(body)
	}
	if cl.query != nil {
		req.SetQueryParamsFromValues(cl.query)
	}
	resp, err := req.Execute(cl.method, "/"+c.cfg.Prefix+cl.path)
	if err == nil {
		c.cfg.Logger.DebugContext(ctx, "invoicebox call", "op", cl.op, "method", cl.method, "path", cl.path,
			"status", resp.StatusCode(), "request_id", resp.Header().Get("X-Request-Id"))
	}
	return resp, err
}

func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	timeout := errors.Is(err, context.DeadlineExceeded)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		timeout = true
	}
	if ctx.Err() == context.Canceled {
		timeout = false
	}
	return &TransportError{Op: cl.op, Timeout: timeout, Write: cl.write, Err: err}
}

// rateLimitWait says whether a 429 should be waited out, and for how long.
func (c *Client) rateLimitWait(resp *resty.Response, attempt int) (time.Duration, bool) {
	if resp.StatusCode() != http.StatusTooManyRequests || attempt >= c.cfg.RateLimitRetries {
		return 0, false
	}
	wait := retryAfter(resp.Header().Get("Retry-After"), c.now())
	return wait, wait <= c.cfg.MaxRetryWait
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		if secs > int64(365*24*time.Hour/time.Second) {
			return 365 * 24 * time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return DefaultRetryAfter
}

func (c *Client) decodeResponse(cl call, resp *resty.Response, out any) (string, error) {
	rid := resp.Header().Get("X-Request-Id")
	if resp.StatusCode() >= 400 {
		return rid, apiError(cl, resp, rid, c.now())
	}
	if resp.StatusCode() < 200 || resp.StatusCode() > 299 {
		return rid, unexpected(cl, rid, fmt.Sprintf("HTTP %d", resp.StatusCode()))
	}
	if out == nil {
		return rid, nil
	}
	var env dataEnvelope
	if err := json.Unmarshal(resp.Body(), &env); err != nil || len(env.Data) == 0 {
		return rid, unexpected(cl, rid, "no data in the answer")
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return rid, unexpected(cl, rid, err.Error())
	}
	return rid, nil
}

func unexpected(cl call, rid, detail string) error {
	if cl.write {
		return fmt.Errorf("invoicebox: %s [request %s]: %w: %w: %s", cl.op, rid, ErrUnexpectedResponse, ErrUnknownOutcome, detail)
	}
	return fmt.Errorf("invoicebox: %s [request %s]: %w: %s", cl.op, rid, ErrUnexpectedResponse, detail)
}

func apiError(cl call, resp *resty.Response, rid string, now time.Time) *APIError {
	e := &APIError{Status: resp.StatusCode(), RequestID: rid, Op: cl.op, write: cl.write}
	var env errorEnvelope
	if json.Unmarshal(resp.Body(), &env) == nil && env.Error != nil {
		e.Code, e.Message, e.Fields = env.Error.Code, env.Error.Message, env.Error.Fields
	}
	if e.Status == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(resp.Header().Get("Retry-After"), now)
	}
	return e
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// restyLogger routes resty's own messages to slog; it never sees request bodies or
// headers because debug mode stays off.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Error("resty: " + fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) { r.l.Warn("resty: " + fmt.Sprintf(format, v...)) }
func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
