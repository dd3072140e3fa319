package portal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"b24pay/bitrix"
)

// ErrNotInstalled means the portal exists but the app is uninstalled (no tokens).
var ErrNotInstalled = errors.New("portal: the application is not installed")

// Endpoints are where a portal's REST and OAuth calls go. The portal comes from configuration,
// never from an incoming request. The OAuth server is the one the install named when it is one of
// Bitrix24's own (bitrix.OAuthServer); Server is the default, and the override when ServerFixed.
type Endpoints struct {
	Client      string // https://example.bitrix24.ru/rest/
	Server      string // https://oauth.bitrix24.tech/rest/
	ServerFixed bool   // B24PAY_B24_OAUTH_URL was configured
}

// OAuthServer picks the OAuth server for a portal whose install named named.
func (e Endpoints) OAuthServer(named string) string {
	if root, ok := bitrix.OAuthServer(named); ok && !e.ServerFixed {
		return root
	}
	return e.Server
}

// Clients hands out one REST client per portal so token refresh is single-flight per portal and
// all callers share the portal's rate-limit bucket.
type Clients struct {
	repo      *Repo
	cfg       bitrix.Config
	endpoints Endpoints
	log       *slog.Logger
	mu        sync.Mutex
	byMember  map[string]*bitrix.Client
}

// NewClients builds the registry.
func NewClients(repo *Repo, cfg bitrix.Config, endpoints Endpoints, log *slog.Logger) *Clients {
	if cfg.Limiters == nil {
		cfg.Limiters = bitrix.NewLimiters()
	}
	return &Clients{repo: repo, cfg: cfg, endpoints: endpoints, log: log, byMember: map[string]*bitrix.Client{}}
}

// Endpoints returns the configured endpoints.
func (c *Clients) Endpoints() Endpoints { return c.endpoints }

// For returns the client of an installed portal, building it from stored credentials once.
func (c *Clients) For(ctx context.Context, memberID string) (*bitrix.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.byMember[memberID]; ok {
		return cl, nil
	}
	p, err := c.repo.Get(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if !p.Installed() {
		return nil, ErrNotInstalled
	}
	creds, err := c.repo.Credentials(p)
	if err != nil {
		return nil, err
	}
	creds.ClientEndpoint, creds.ServerEndpoint = c.endpoints.Client, c.endpoints.OAuthServer(creds.ServerEndpoint)
	cl, err := bitrix.New(c.cfg, creds, c.repo.SaveTokens, bitrix.OnEndpointChange(c.endpointMoved))
	if err != nil {
		return nil, fmt.Errorf("portal %s: %w", memberID, err)
	}
	c.byMember[memberID] = cl
	return cl, nil
}

// Forget drops a cached client (after re-install or uninstall) so the next use reads fresh tokens.
func (c *Clients) Forget(memberID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byMember, memberID)
}

// endpointMoved is told when the portal answered 302 (domain change). Calls follow the redirect;
// the configured URL stays the source of truth, so the admin is asked to update it.
func (c *Clients) endpointMoved(_ context.Context, creds bitrix.Credentials) error {
	c.log.Warn("Bitrix24 portal moved to a new address; update B24PAY_B24_PORTAL_URL",
		"member_id", creds.MemberID, "new_endpoint", creds.ClientEndpoint)
	return nil
}

// Verify checks a user token against the configured portal (never a host from the request) and
// returns the user's profile. It performs no refresh.
func (c *Clients) Verify(ctx context.Context, memberID, accessToken string) (*bitrix.Profile, error) {
	cl, err := c.userClient(memberID, accessToken)
	if err != nil {
		return nil, err
	}
	return cl.Profile(ctx)
}
