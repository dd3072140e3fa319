package sbp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Hosts of the bank's API (paths start with /api/...).
const (
	ProductionURL = "https://pay.raif.ru"
	SandboxURL    = "https://pay-test.raif.ru"
)

// SignatureHeader carries the callback signature.
const SignatureHeader = "X-Api-Signature-SHA256"

// Config holds what the client needs. SecretKey is never logged.
type Config struct {
	// BaseURL is the bank host without /api, e.g. ProductionURL.
	BaseURL string
	// SBPMerchantID is our merchant id in SBP (≤ 12 chars, e.g. MA0000000552).
	SBPMerchantID string
	// SecretKey authorises API calls (Bearer) and signs callbacks.
	SecretKey string
	// HTTPClient is used as given (never modified); nil means a fresh client.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 15 s.
	Timeout time.Duration
	// RateLimitRetries is how many times a 429 is retried after its Retry-After; zero means none.
	RateLimitRetries int
	// MaxRetryAfter caps the wait for one 429 retry; a longer Retry-After is returned to the caller.
	// Zero means 5 s.
	MaxRetryAfter time.Duration
	// Logger receives request summaries (ids, statuses, durations); nil means slog.Default().
	Logger *slog.Logger
}

// Validate reports what is missing or wrong, all at once.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("sbp config: BaseURL %q must be an absolute http(s) URL", c.BaseURL))
	}
	if c.SBPMerchantID == "" || len(c.SBPMerchantID) > 12 {
		errs = append(errs, errors.New("sbp config: SBPMerchantID must be 1..12 characters"))
	}
	if c.SecretKey == "" {
		errs = append(errs, errors.New("sbp config: SecretKey is required"))
	}
	if c.Timeout < 0 || c.MaxRetryAfter < 0 || c.RateLimitRetries < 0 {
		errs = append(errs, errors.New("sbp config: Timeout, MaxRetryAfter and RateLimitRetries must not be negative"))
	}
	return errors.Join(errs...)
}

// LogValue keeps the secret out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("sbp_merchant_id", c.SBPMerchantID),
		slog.String("secret_key", redact(c.SecretKey)),
		slog.Duration("timeout", c.Timeout),
	)
}

// String keeps the secret out of fmt output.
func (c Config) String() string {
	return fmt.Sprintf("sbp.Config{BaseURL:%s SBPMerchantID:%s SecretKey:%s Timeout:%s}",
		c.BaseURL, c.SBPMerchantID, redact(c.SecretKey), c.Timeout)
}

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

func (c Config) withDefaults() Config {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Second
	}
	if c.MaxRetryAfter == 0 {
		c.MaxRetryAfter = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// GoString keeps the secret out of %#v output.
func (c Config) GoString() string { return c.String() }
