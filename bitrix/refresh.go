package bitrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// refreshTimeout bounds a token refresh, which runs detached from the
// cancellation of the call that triggered it (other callers share it).
const refreshTimeout = 30 * time.Second

// refresh replaces the token pair after expired_token on usedToken. Only
// one refresh runs per refresh token; callers that arrive after it finished
// see a different access token and simply repeat their call. A failed
// refresh is remembered and returned for the same refresh token without
// asking the OAuth server again.
func (c *Client) refresh(ctx context.Context, usedToken string) error {
	c.mu.Lock()
	cur := c.creds
	prev, failed := c.failed[cur.RefreshToken]
	c.mu.Unlock()
	if cur.AccessToken != usedToken {
		return nil
	}
	if cur.RefreshToken == "" { // a page's user token: nothing to refresh it with, never ask the OAuth server
		return ErrExpiredToken
	}
	if failed {
		return prev
	}
	_, err, _ := c.flights.Do(cur.RefreshToken, func() (any, error) {
		return nil, c.refreshOnce(context.WithoutCancel(ctx), cur.RefreshToken)
	})
	return err
}

func (c *Client) refreshOnce(ctx context.Context, refreshToken string) error {
	c.mu.Lock()
	cur := c.creds
	prev, failed := c.failed[refreshToken]
	c.mu.Unlock()
	if cur.RefreshToken != refreshToken {
		return nil // refreshed by an earlier flight
	}
	if failed {
		return prev
	}
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	next, err := c.requestTokens(ctx, cur)
	c.mu.Lock()
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrRefreshFailed, err)
		c.failed[refreshToken] = err
		c.mu.Unlock()
		return err
	}
	c.creds = next
	c.unsaved = true
	c.mu.Unlock()
	return c.saveUnsaved(ctx)
}

// saveUnsaved hands a fresh token pair to onTokens before anyone uses it.
func (c *Client) saveUnsaved(ctx context.Context) error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.mu.Lock()
	pending, creds := c.unsaved, c.creds
	c.mu.Unlock()
	if !pending {
		return nil
	}
	if err := c.onTokens(ctx, creds); err != nil {
		return fmt.Errorf("%w: %w", ErrTokensNotSaved, err)
	}
	c.mu.Lock()
	if c.creds.RefreshToken == creds.RefreshToken {
		c.unsaved = false
	}
	c.mu.Unlock()
	return nil
}

// tokenReply is the OAuth server's answer (§2.2).
type tokenReply struct {
	AccessToken      string          `json:"access_token"`
	RefreshToken     string          `json:"refresh_token"`
	Expires          json.RawMessage `json:"expires"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Scope            string          `json:"scope"`
	MemberID         string          `json:"member_id"`
	UserID           ID              `json:"user_id"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription json.RawMessage `json:"error_description"`
}

// requestTokens asks the configured OAuth server (never a host taken from
// a request) for a new pair.
func (c *Client) requestTokens(ctx context.Context, cur Credentials) (Credentials, error) {
	endpoint, err := tokenURL(cur.ServerEndpoint)
	if err != nil {
		return Credentials{}, err
	}
	resp, err := c.http.R().SetContext(ctx).SetQueryParams(map[string]string{
		"grant_type":    "refresh_token",
		"client_id":     c.cfg.ClientID,
		"client_secret": c.cfg.ClientSecret,
		"refresh_token": cur.RefreshToken,
	}).Get(endpoint)
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: oauth/token: %v", ErrTransport, errors.Unwrap(err))
	}
	var r tokenReply
	if err := json.Unmarshal(resp.Body(), &r); err != nil {
		return Credentials{}, fmt.Errorf("%w: oauth/token HTTP %d: %v", ErrBadResponse, resp.StatusCode(), err)
	}
	if code := flexString(r.Error); code != "" || resp.StatusCode() >= 400 {
		if code == "" {
			code = fmt.Sprintf("HTTP_%d", resp.StatusCode())
		}
		return Credentials{}, &APIError{Code: code, Description: flexString(r.ErrorDescription), HTTPStatus: resp.StatusCode(), Method: "oauth/token"}
	}
	return c.applyTokens(cur, r)
}

func (c *Client) applyTokens(cur Credentials, r tokenReply) (Credentials, error) {
	if r.AccessToken == "" || r.RefreshToken == "" {
		return Credentials{}, fmt.Errorf("%w: oauth/token: empty token in reply", ErrBadResponse)
	}
	if r.MemberID != "" && r.MemberID != cur.MemberID {
		return Credentials{}, fmt.Errorf("%w: oauth/token: reply for member %q, expected %q", ErrBadResponse, r.MemberID, cur.MemberID)
	}
	next := cur
	next.AccessToken, next.RefreshToken = r.AccessToken, r.RefreshToken
	next.ExpiresAt = c.cfg.Now().Add(time.Hour)
	if exp := int64(flexFloat(r.Expires)); exp > 0 {
		next.ExpiresAt = time.Unix(exp, 0)
	} else if in := flexFloat(r.ExpiresIn); in > 0 {
		next.ExpiresAt = c.cfg.Now().Add(time.Duration(in) * time.Second)
	}
	if r.Scope != "" {
		next.Scope = r.Scope
	}
	if r.UserID != 0 {
		next.UserID = r.UserID
	}
	return next, nil
}
