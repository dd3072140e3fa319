package bitrix

import (
	"context"
	"fmt"
	"net/url"
)

// follow handles a portal domain change: the portal answered 3xx with a
// Location on its new host. The client endpoint keeps its path and takes the
// new scheme and host; the change is persisted before the call is repeated.
func (c *Client) follow(ctx context.Context, creds Credentials, location string, a *attempt) error {
	a.redirects++
	if a.redirects > maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrBadResponse, maxRedirects)
	}
	next, err := movedEndpoint(creds.ClientEndpoint, location)
	if err != nil {
		return err
	}
	c.mu.Lock()
	moved := c.creds.ClientEndpoint != next
	c.creds.ClientEndpoint = next
	snapshot := c.creds
	c.mu.Unlock()
	if !moved {
		return nil
	}
	if err := c.onEndpoint(ctx, snapshot); err != nil {
		return fmt.Errorf("bitrix: persist moved endpoint %s: %w", next, err)
	}
	return nil
}

func movedEndpoint(endpoint, location string) (string, error) {
	base, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("%w: endpoint %q", ErrInvalidConfig, endpoint)
	}
	loc, err := url.Parse(location)
	if err != nil || location == "" {
		return "", fmt.Errorf("%w: redirect without a usable Location %q", ErrBadResponse, location)
	}
	loc = base.ResolveReference(loc)
	if loc.Scheme != "http" && loc.Scheme != "https" {
		return "", fmt.Errorf("%w: redirect to scheme %q", ErrBadResponse, loc.Scheme)
	}
	return loc.Scheme + "://" + loc.Host + base.Path, nil
}
