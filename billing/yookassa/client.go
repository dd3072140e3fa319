package yookassa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Client calls the YooKassa API. It is safe for concurrent use.
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
		SetBasicAuth(cfg.ShopID, cfg.SecretKey).
		SetHeader("Accept", "application/json")
	return &Client{cfg: cfg, http: rc}, nil
}

// CreatePayment sends POST /v3/payments under key. The same key with the same body returns the
// original result; a deliberate new attempt needs a new key (§c.2).
func (cl *Client) CreatePayment(ctx context.Context, key string, in CreatePayment) (Payment, error) {
	var p Payment
	err := cl.post(ctx, "create payment", "/v3/payments", key, in, &p)
	return p, err
}

// GetPayment reads a payment: GET /v3/payments/{id}.
func (cl *Client) GetPayment(ctx context.Context, id string) (Payment, error) {
	var p Payment
	err := cl.get(ctx, "get payment", "/v3/payments/"+url.PathEscape(id), &p)
	return p, err
}

// CapturePayment confirms a two-stage payment in waiting_for_capture: POST /v3/payments/{id}/capture.
func (cl *Client) CapturePayment(ctx context.Context, key, id string) (Payment, error) {
	var p Payment
	err := cl.post(ctx, "capture payment", "/v3/payments/"+url.PathEscape(id)+"/capture", key, struct{}{}, &p)
	return p, err
}

// CancelPayment cancels a payment in waiting_for_capture: POST /v3/payments/{id}/cancel.
func (cl *Client) CancelPayment(ctx context.Context, key, id string) (Payment, error) {
	var p Payment
	err := cl.post(ctx, "cancel payment", "/v3/payments/"+url.PathEscape(id)+"/cancel", key, struct{}{}, &p)
	return p, err
}

// CreateRefund sends POST /v3/refunds under its own key.
func (cl *Client) CreateRefund(ctx context.Context, key string, in CreateRefund) (Refund, error) {
	var r Refund
	err := cl.post(ctx, "create refund", "/v3/refunds", key, in, &r)
	return r, err
}

// GetRefund reads a refund: GET /v3/refunds/{id}.
func (cl *Client) GetRefund(ctx context.Context, id string) (Refund, error) {
	var r Refund
	err := cl.get(ctx, "get refund", "/v3/refunds/"+url.PathEscape(id), &r)
	return r, err
}

func (cl *Client) post(ctx context.Context, op, path, key string, body, out any) error {
	if key == "" || len(key) > MaxIdempotenceKeyLen {
		return fmt.Errorf("%w: %s: Idempotence-Key must be 1..%d characters", ErrInvalidRequest, op, MaxIdempotenceKeyLen)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("yookassa: %s: encode request: %w", op, err)
	}
	req := cl.http.R().SetHeader(IdempotenceKeyHeader, key).
		SetHeader("Content-Type", "application/json").SetBody(b)
	return cl.send(ctx, req, op, http.MethodPost, path, out)
}

func (cl *Client) get(ctx context.Context, op, path string, out any) error {
	return cl.send(ctx, cl.http.R(), op, http.MethodGet, path, out)
}

func (cl *Client) send(ctx context.Context, req *resty.Request, op, method, path string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, cl.cfg.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := req.SetContext(ctx).Execute(method, path)
	if err != nil {
		cl.cfg.Logger.WarnContext(ctx, "yookassa request failed", "op", op, "path", path, "error", err.Error())
		return transportError(ctx, op, err)
	}
	cl.cfg.Logger.DebugContext(ctx, "yookassa request", "op", op, "path", path,
		"status", resp.StatusCode(), "duration", time.Since(start))
	return decodeAnswer(op, method == http.MethodPost, resp.StatusCode(), resp.Body(), out)
}

func transportError(ctx context.Context, op string, err error) error {
	var netErr net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout())
	return &TransportError{Op: op, Timeout: timeout, Err: err}
}

// errorBody is the error object; `type` is always "error".
type errorBody struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Parameter   string `json:"parameter"`
}

// decodeAnswer turns an answer into out or an *APIError. HTTP 200 carries the object; 202 means
// "still processing, repeat with the same key" and is reported as an unknown outcome.
func decodeAnswer(op string, mutating bool, status int, body []byte, out any) error {
	if status == http.StatusOK {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrBadResponse, op, err)
		}
		return nil
	}
	var eb errorBody
	_ = json.Unmarshal(body, &eb) // 405/415/202 and proxies answer without the error object
	if status == http.StatusAccepted {
		eb.Description = "still processing, repeat with the same key"
	}
	return &APIError{Op: op, Status: status, ID: eb.ID, Code: eb.Code, Description: truncate(eb.Description, 500),
		Parameter: eb.Parameter, mutating: mutating}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// quietLogger drops resty's own log lines; we log once per request ourselves, without headers.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// BaseURL is the configured API host.
func (cl *Client) BaseURL() string { return cl.cfg.BaseURL }
