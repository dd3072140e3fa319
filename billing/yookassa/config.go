package yookassa

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// ProductionURL is the API root; paths start with /v3/.
const ProductionURL = "https://api.yookassa.ru"

// IdempotenceKeyHeader carries the idempotency key of every POST.
const IdempotenceKeyHeader = "Idempotence-Key"

// MaxIdempotenceKeyLen bounds our keys. The docs do not state a maximum (reference §e); UUIDs are
// 36 characters and the reference's example subscription keys stay well under 64.
const MaxIdempotenceKeyLen = 64

// Config holds what the client needs. SecretKey is never logged.
type Config struct {
	// BaseURL is the API host without /v3, e.g. ProductionURL.
	BaseURL string
	// ShopID is the store id (HTTP Basic user).
	ShopID string
	// SecretKey is the store's secret key (HTTP Basic password; test stores use test_… keys).
	SecretKey string
	// HTTPClient is used as given (never modified); nil means a fresh client.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 30 s (YooKassa itself answers 500 after ~30 s).
	Timeout time.Duration
	// Logger receives request summaries (ids, statuses, durations); nil means slog.Default().
	Logger *slog.Logger
}

// Validate reports what is missing or wrong, all at once.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("yookassa config: BaseURL %q must be an absolute http(s) URL", c.BaseURL))
	}
	if c.ShopID == "" {
		errs = append(errs, errors.New("yookassa config: ShopID is required"))
	}
	if c.SecretKey == "" {
		errs = append(errs, errors.New("yookassa config: SecretKey is required"))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("yookassa config: Timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// String keeps the secret out of fmt output.
func (c Config) String() string {
	return fmt.Sprintf("yookassa.Config{BaseURL:%s ShopID:%s SecretKey:%s Timeout:%s}",
		c.BaseURL, c.ShopID, redact(c.SecretKey), c.Timeout)
}

// GoString keeps the secret out of %#v output.
func (c Config) GoString() string { return c.String() }

// LogValue keeps the secret out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.BaseURL), slog.String("shop_id", c.ShopID),
		slog.String("secret_key", redact(c.SecretKey)), slog.Duration("timeout", c.Timeout))
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
		c.Timeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
