package bitrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/sync/singleflight"
)

// maxRedirects bounds domain-change hops within one call.
const maxRedirects = 3

// Client talks to one portal. It is safe for concurrent use; keep one per
// portal (see the package doc for sharing the limiter).
type Client struct {
	cfg        Config
	http       *resty.Client
	limiter    *portalLimiter
	onTokens   Persist
	onEndpoint Persist

	mu      sync.Mutex
	creds   Credentials
	unsaved bool             // creds hold a token pair OnTokens has not stored yet
	failed  map[string]error // refresh token → the refresh failure
	saveMu  sync.Mutex
	flights singleflight.Group
}

// Option tunes a Client.
type Option func(*Client)

// OnEndpointChange sets the callback for a portal domain change (HTTP 302).
// Without it the new endpoint is reported through onTokens.
func OnEndpointChange(p Persist) Option { return func(c *Client) { c.onEndpoint = p } }

// WithHTTPClient replaces the underlying *http.Client (transport, proxies).
// Its redirect policy is overridden: redirects are handled by the Client.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) { c.http = newResty(h, c.cfg) }
}

// New builds a Client. onTokens persists a refreshed token pair; it must
// succeed before the new pair is used.
func New(cfg Config, creds Credentials, onTokens Persist, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := creds.Validate(); err != nil {
		return nil, err
	}
	if onTokens == nil {
		return nil, fmt.Errorf("%w: onTokens is required", ErrInvalidConfig)
	}
	cfg = cfg.withDefaults()
	creds.ClientEndpoint = withSlash(creds.ClientEndpoint)
	limiters := cfg.Limiters
	if limiters == nil {
		limiters = NewLimiters()
	}
	c := &Client{
		cfg:      cfg,
		http:     newResty(&http.Client{}, cfg),
		limiter:  limiters.get(creds.MemberID, cfg.Rate, cfg.Burst, cfg.Now),
		onTokens: onTokens,
		creds:    creds,
		failed:   make(map[string]error),
	}
	for _, o := range opts {
		o(c)
	}
	if c.onEndpoint == nil {
		c.onEndpoint = onTokens
	}
	return c, nil
}

func newResty(h *http.Client, cfg Config) *resty.Client {
	r := resty.NewWithClient(h).
		SetTimeout(cfg.HTTPTimeout).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", cfg.UserAgent).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}))
	r.SetLogger(silentLogger{})
	return r
}

// Credentials returns the current credentials (after refreshes and moves).
func (c *Client) Credentials() Credentials {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.creds
}

// MemberID is the portal id.
func (c *Client) MemberID() string { return c.Credentials().MemberID }

// CallOption marks a call.
type CallOption func(*callOptions)

type callOptions struct{ idempotent bool }

// Idempotent allows retries after network errors, undecodable bodies and
// 5xx. Use it for reads and absolute updates, never for *.add.
func Idempotent() CallOption { return func(o *callOptions) { o.idempotent = true } }

// Call invokes a REST method with params (anything that marshals to a JSON
// object; nil for none) and returns the success envelope.
func (c *Client) Call(ctx context.Context, method string, params any, opts ...CallOption) (*Response, error) {
	var o callOptions
	for _, f := range opts {
		f(&o)
	}
	body, err := jsonObject(params)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, method, body, o)
}

// CallIdempotent is Call with Idempotent().
func (c *Client) CallIdempotent(ctx context.Context, method string, params any) (*Response, error) {
	return c.Call(ctx, method, params, Idempotent())
}

// attempt counts the retries of one call, per failure class.
type attempt struct {
	refreshed bool
	redirects int
	transient int
	limited   int
}

func (c *Client) do(ctx context.Context, method string, params []byte, o callOptions) (*Response, error) {
	var a attempt
	var last error // the failure being retried, kept when the caller gives up meanwhile
	withLast := func(err error) error {
		if last != nil && ctx.Err() != nil {
			return errors.Join(last, err)
		}
		return err
	}
	for {
		if err := c.saveUnsaved(ctx); err != nil {
			return nil, withLast(err)
		}
		if err := c.limiter.wait(ctx, method); err != nil {
			return nil, withLast(err)
		}
		creds := c.Credentials()
		status, location, body, err := c.post(ctx, creds, method, params)
		if err == nil && isRedirect(status) {
			if err := c.follow(ctx, creds, location, &a); err != nil {
				return nil, err
			}
			continue
		}
		var resp *Response
		if err == nil {
			resp, err = decodeEnvelope(method, status, body)
		}
		if err == nil {
			c.limiter.noteReset(method, resp.Time.ResetAt())
			return resp, nil
		}
		if retry, rerr := c.recover(ctx, method, creds, err, o, &a); !retry {
			if last != nil && errors.Is(rerr, last) {
				return nil, rerr // the backoff was interrupted: rerr already carries the cause
			}
			return nil, withLast(rerr)
		}
		last = err
	}
}

// recover decides whether a failed exchange is repeated, sleeping or
// refreshing as the failure requires.
func (c *Client) recover(ctx context.Context, method string, creds Credentials, err error, o callOptions, a *attempt) (bool, error) {
	switch {
	case errors.Is(err, ErrQueryLimitExceeded):
		a.limited++
		c.limiter.drain()
		if isInteractive(ctx) && a.limited > c.cfg.InteractiveRetries {
			return false, err
		}
		return c.backoff(ctx, a.limited, err)
	case errors.Is(err, ErrOperationTimeLimit):
		var ae *APIError
		errors.As(err, &ae)
		c.limiter.pause(method, ae.resetAt, c.cfg.OperationPause)
		return ctx.Err() == nil, errors.Join(err, ctx.Err())
	case errors.Is(err, ErrExpiredToken) && !a.refreshed:
		a.refreshed = true
		if rerr := c.refresh(ctx, creds.AccessToken); rerr != nil {
			return false, rerr
		}
		return true, nil
	case isTransient(err) && o.idempotent && a.transient < c.cfg.TransientRetries:
		a.transient++
		return c.backoff(ctx, a.transient, err)
	}
	return false, err
}

func isTransient(err error) bool {
	return errors.Is(err, ErrTransport) || errors.Is(err, ErrBadResponse) || errors.Is(err, ErrServer)
}

// backoff sleeps base·2^(n-1) (capped) plus up to 25 % jitter.
func (c *Client) backoff(ctx context.Context, n int, cause error) (bool, error) {
	d := c.cfg.RetryBase << min(n-1, 20)
	if d > c.cfg.RetryMax || d <= 0 {
		d = c.cfg.RetryMax
	}
	d += time.Duration(rand.Int64N(int64(d)/4 + 1))
	if err := sleep(ctx, d); err != nil {
		return false, errors.Join(cause, err)
	}
	return true, nil
}

// post sends one JSON POST to <client_endpoint><method>.
func (c *Client) post(ctx context.Context, creds Credentials, method string, params []byte) (int, string, []byte, error) {
	resp, err := c.http.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetBody(withAuth(params, creds.AccessToken)).
		Post(creds.ClientEndpoint + method)
	if err != nil {
		if ctx.Err() != nil {
			return 0, "", nil, ctx.Err()
		}
		return 0, "", nil, fmt.Errorf("%w: %s: %v", ErrTransport, method, err)
	}
	return resp.StatusCode(), resp.Header().Get("Location"), resp.Body(), nil
}

func isRedirect(status int) bool {
	return status == http.StatusMovedPermanently || status == http.StatusFound ||
		status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect
}

// jsonObject marshals params and checks the result is a JSON object.
func jsonObject(params any) ([]byte, error) {
	if params == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("bitrix: encode params: %w", err)
	}
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return []byte("{}"), nil
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("bitrix: params must encode to a JSON object, got %.20s", b)
	}
	return b, nil
}

// withAuth puts "auth" first into a JSON object (a later key from params
// named auth would override it, so params never carry one).
func withAuth(obj []byte, token string) []byte {
	tok, _ := json.Marshal(token)
	rest := bytes.TrimSpace(obj[1:])
	out := make([]byte, 0, len(obj)+len(tok)+10)
	out = append(out, `{"auth":`...)
	out = append(out, tok...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

func withSlash(s string) string {
	if strings.HasSuffix(s, "/") {
		return s
	}
	return s + "/"
}

type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}
