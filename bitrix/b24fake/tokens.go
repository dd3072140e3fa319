package b24fake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

type accessToken struct {
	userID  int
	expires time.Time
	revoked bool
}

type refreshToken struct {
	userID int
	used   bool
}

type tokenStore struct {
	access  map[string]*accessToken
	refresh map[string]*refreshToken
}

func newTokenStore() tokenStore {
	return tokenStore{access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// mintPair issues a token pair for userID; caller holds p.ctl.
func (p *Portal) mintPair(userID int) (string, string) {
	access, refresh := randomHex(35), randomHex(35)
	p.tokens.access[access] = &accessToken{userID: userID, expires: p.now().Add(p.opts.TokenTTL)}
	p.tokens.refresh[refresh] = &refreshToken{userID: userID}
	return access, refresh
}

// InstallTokens mints the pair Bitrix24 hands the app at install (admin, user 1).
func (p *Portal) InstallTokens() (access, refresh string) { return p.TokensFor(1) }

// TokensFor mints a token pair belonging to userID.
func (p *Portal) TokensFor(userID int) (access, refresh string) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.mintPair(userID)
}

// ExpireAccessTokens makes every issued access token answer expired_token.
func (p *Portal) ExpireAccessTokens() {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	past := p.now().Add(-time.Second)
	for _, t := range p.tokens.access {
		t.expires = past
	}
}

// RevokeAccessTokens makes every issued access token answer invalid_token.
func (p *Portal) RevokeAccessTokens() {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	for _, t := range p.tokens.access {
		t.revoked = true
	}
}

// RevokeRefreshTokens makes every issued refresh token answer invalid_grant.
func (p *Portal) RevokeRefreshTokens() {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	for _, t := range p.tokens.refresh {
		t.used = true
	}
}

// authenticate resolves an access token to its user.
func (p *Portal) authenticate(token string) (int, *APIError) {
	if token == "" {
		return 0, apiErr("NO_AUTH_FOUND", "")
	}
	p.ctl.Lock()
	defer p.ctl.Unlock()
	t, ok := p.tokens.access[token]
	switch {
	case !ok || t.revoked:
		return 0, apiErr("invalid_token", "")
	case !p.now().Before(t.expires):
		return 0, apiErr("expired_token", "")
	}
	return t.userID, nil
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// serveToken is the OAuth server's /oauth/token/ (grant_type=refresh_token).
func (p *Portal) serveToken(w http.ResponseWriter, r *http.Request) {
	ps, err := readParams(r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed request")
		return
	}
	if ps.str("grant_type") != "refresh_token" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Unsupported grant_type")
		return
	}
	if ps.str("client_id") != p.opts.ClientID || ps.str("client_secret") != p.opts.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client")
		return
	}
	old := ps.str("refresh_token")
	if old == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
		return
	}
	body, ok := p.rotate(old)
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// rotate spends a refresh token and returns the token response with a new pair.
func (p *Portal) rotate(old string) (map[string]any, bool) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	rt, ok := p.tokens.refresh[old]
	if !ok || rt.used {
		return nil, false
	}
	rt.used = true
	access, refresh := p.mintPair(rt.userID)
	p.counters.refreshes++
	exp := p.tokens.access[access].expires
	return map[string]any{
		"access_token":    access,
		"refresh_token":   refresh,
		"expires":         exp.Unix(),
		"expires_in":      int(p.opts.TokenTTL.Seconds()),
		"scope":           strings.Join(p.scopeList(), ","),
		"domain":          "oauth.bitrix24.tech",
		"server_endpoint": p.baseURL + "/rest/",
		"client_endpoint": p.baseURL + "/rest/",
		"status":          "L",
		"member_id":       p.opts.MemberID,
		"user_id":         rt.userID,
	}, true
}
