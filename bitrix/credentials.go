package bitrix

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Credentials are what we store per portal. ClientEndpoint is the portal REST
// root ("https://acme.bitrix24.ru/rest/"); ServerEndpoint the OAuth server
// REST root ("https://oauth.bitrix24.tech/rest/") as received at install.
type Credentials struct {
	MemberID         string
	ClientEndpoint   string
	ServerEndpoint   string
	AccessToken      string
	RefreshToken     string
	ExpiresAt        time.Time
	ApplicationToken string
	Scope            string
	UserID           ID
}

// Persist stores changed credentials; the client waits for it before using
// a new token pair or endpoint.
type Persist func(ctx context.Context, c Credentials) error

// Validate checks the fields the client needs.
func (c Credentials) Validate() error {
	if c.MemberID == "" {
		return fmt.Errorf("%w: empty member id", ErrInvalidConfig)
	}
	if err := checkEndpoint(c.ClientEndpoint); err != nil {
		return fmt.Errorf("%w: client endpoint: %v", ErrInvalidConfig, err)
	}
	if c.ServerEndpoint != "" {
		if err := checkEndpoint(c.ServerEndpoint); err != nil {
			return fmt.Errorf("%w: server endpoint: %v", ErrInvalidConfig, err)
		}
	}
	return nil
}

func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host in %q", s)
	}
	return nil
}

// tokenURL turns the OAuth server REST root into its token endpoint:
// https://oauth.bitrix24.tech/rest/ → https://oauth.bitrix24.tech/oauth/token/.
func tokenURL(serverEndpoint string) (string, error) {
	u, err := url.Parse(serverEndpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: server endpoint %q", ErrInvalidConfig, serverEndpoint)
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/rest")
	return u.Scheme + "://" + u.Host + p + "/oauth/token/", nil
}

// Config is shared by all portals of one application.
type Config struct {
	ClientID     string
	ClientSecret string
	// Rate (requests/s) and Burst of the per-portal leaky bucket.
	// Defaults 2 and 50; Enterprise portals allow 5 and 250. The portal
	// counts a request when it arrives, so network jitter can push a
	// bucket-exact client over by rate×jitter requests; a Burst a request
	// or two below the portal's avoids QUERY_LIMIT_EXCEEDED entirely (it is
	// retried either way).
	Rate  float64
	Burst int
	// HTTPTimeout bounds one HTTP exchange (default 55 s; the cloud cuts at 60 s).
	HTTPTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// RetryBase is the first backoff after QUERY_LIMIT_EXCEEDED or a
	// transient failure (default 1 s), doubling up to RetryMax (default 30 s).
	RetryBase time.Duration
	RetryMax  time.Duration
	// TransientRetries bounds retries of network errors/5xx for idempotent
	// calls (default 3).
	TransientRetries int
	// InteractiveRetries bounds QUERY_LIMIT_EXCEEDED retries of calls whose context is
	// Interactive (default 3); other calls retry it without a cap.
	InteractiveRetries int
	// OperationPause is how long a method is paused on OPERATION_TIME_LIMIT
	// when no operating_reset_at is known (default 60 s).
	OperationPause time.Duration
	// Limiters shares buckets between Clients of the same portal; nil gives
	// each Client its own.
	Limiters *Limiters
	// UserAgent sent with every request.
	UserAgent string
}

func (c Config) withDefaults() Config {
	if c.Rate <= 0 {
		c.Rate = 2
	}
	if c.Burst <= 0 {
		c.Burst = 50
	}
	if c.HTTPTimeout <= 0 {
		c.HTTPTimeout = 55 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax < c.RetryBase {
		c.RetryMax = max(30*time.Second, c.RetryBase)
	}
	if c.TransientRetries <= 0 {
		c.TransientRetries = 3
	}
	if c.InteractiveRetries <= 0 {
		c.InteractiveRetries = 3
	}
	if c.OperationPause <= 0 {
		c.OperationPause = time.Minute
	}
	if c.UserAgent == "" {
		c.UserAgent = "b24pay/1"
	}
	return c
}

// Validate reports a config that cannot refresh tokens.
func (c Config) Validate() error {
	if c.ClientID == "" || c.ClientSecret == "" {
		return fmt.Errorf("%w: client id and secret are required", ErrInvalidConfig)
	}
	return nil
}

// String never prints the secret.
func (c Config) String() string {
	return fmt.Sprintf("bitrix.Config{ClientID:%s ClientSecret:[redacted] Rate:%g Burst:%d}", c.ClientID, c.Rate, c.Burst)
}
