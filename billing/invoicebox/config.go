package invoicebox

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production host; test mode is switched on per shop and uses it too.
const DefaultBaseURL = "https://api.invoicebox.ru"

// Version prefixes: v3 for shops registered via app.invoicebox.ru, l3 for Инвойсбокс.Бизнес.
const (
	PrefixV3 = "v3"
	PrefixL3 = "l3"
)

// Defaults applied by Config.withDefaults.
const (
	DefaultTimeout          = 15 * time.Second
	DefaultUserAgent        = "b24pay/1.0 (invoicebox-go 1.0)"
	DefaultRateLimitRetries = 2
	DefaultMaxRetryWait     = 30 * time.Second
	DefaultMaxTimeLimit     = 7 * 24 * time.Hour
)

// Secret is a credential that never prints itself.
type Secret string

// String hides the value.
func (s Secret) String() string { return redact(s) }

// GoString hides the value from %#v.
func (s Secret) GoString() string { return redact(s) }

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redact(s)) }

// MarshalText hides the value from encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redact(s)), nil }

func redact(s Secret) string {
	if s == "" {
		return ""
	}
	return "[REDACTED]"
}

// Config holds everything the client needs. Zero durations and counts take defaults.
type Config struct {
	BaseURL         string // default DefaultBaseURL
	Prefix          string // PrefixV3 (default) or PrefixL3
	Token           Secret // bearer token of the shop
	MerchantID      string // shop UUID
	NotificationKey Secret // key of X-Signature on notifications (not the token)
	UserAgent       string // Invoicebox documents it as mandatory

	HTTPClient *http.Client  // optional; its Transport is reused
	Timeout    time.Duration // per attempt

	// RateLimitRetries is how many times a call answered 429 is repeated after waiting
	// Retry-After; negative disables retries.
	RateLimitRetries int
	// MaxRetryWait bounds one wait on Retry-After; a longer Retry-After is returned
	// to the caller as ErrRateLimited without waiting.
	MaxRetryWait time.Duration
	// MaxTimeLimit is the longest payment time limit for clients that are not trusted.
	MaxTimeLimit time.Duration

	Logger *slog.Logger
}

// ErrInvalidConfig is matched by every Config.Validate failure.
var ErrInvalidConfig = errors.New("invoicebox: invalid config")

// Validate reports the first missing or malformed setting.
func (c Config) Validate() error {
	c = c.withDefaults()
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: base URL %q is not an http(s) URL", ErrInvalidConfig, c.BaseURL)
	}
	if c.Prefix != PrefixV3 && c.Prefix != PrefixL3 {
		return fmt.Errorf("%w: prefix %q is neither %s nor %s", ErrInvalidConfig, c.Prefix, PrefixV3, PrefixL3)
	}
	if strings.TrimSpace(string(c.Token)) == "" {
		return fmt.Errorf("%w: token is empty", ErrInvalidConfig)
	}
	if strings.TrimSpace(c.MerchantID) == "" {
		return fmt.Errorf("%w: merchant id is empty", ErrInvalidConfig)
	}
	if c.Timeout < 0 || c.MaxRetryWait < 0 || c.MaxTimeLimit < 0 {
		return fmt.Errorf("%w: negative duration", ErrInvalidConfig)
	}
	if c.MaxTimeLimit < MinTimeLimit || c.MaxTimeLimit > MaxTrustedDeferral {
		return fmt.Errorf("%w: max time limit %s is outside %s…%s", ErrInvalidConfig, c.MaxTimeLimit, MinTimeLimit, MaxTrustedDeferral)
	}
	return nil
}

// LogValue renders the config without secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("prefix", c.Prefix),
		slog.String("merchant_id", c.MerchantID),
		slog.Any("token", c.Token),
		slog.Any("notification_key", c.NotificationKey),
		slog.Duration("timeout", c.Timeout),
	)
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Prefix == "" {
		c.Prefix = PrefixV3
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RateLimitRetries == 0 {
		c.RateLimitRetries = DefaultRateLimitRetries
	}
	if c.MaxRetryWait == 0 {
		c.MaxRetryWait = DefaultMaxRetryWait
	}
	if c.MaxTimeLimit == 0 {
		c.MaxTimeLimit = DefaultMaxTimeLimit
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
