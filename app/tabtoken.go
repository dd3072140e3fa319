package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Tab token errors.
var (
	ErrTokenInvalid = errors.New("tab token is malformed or forged")
	ErrTokenExpired = errors.New("tab token expired")
)

// TabClaims bind a tab page's API calls to one portal, user and CRM object.
type TabClaims struct {
	MemberID  string `json:"m"`
	UserID    int64  `json:"u"`
	UserName  string `json:"n"`
	OwnerType string `json:"t"`
	OwnerID   int64  `json:"i"`
	Admin     bool   `json:"a,omitempty"` // may change the portal's settings
	Gen       int64  `json:"g"`           // the portal's token generation when signed (see portal.TokenGeneration)
	Expires   int64  `json:"e"`
}

// tabSigner signs and checks tab tokens with a key derived from the master secret, so the
// token key is never the key that encrypts tokens at rest.
type tabSigner struct {
	key []byte
	ttl time.Duration
}

func newTabSigner(master []byte, ttl time.Duration) tabSigner {
	mac := hmac.New(sha256.New, master)
	mac.Write([]byte("b24pay tab token v1"))
	return tabSigner{key: mac.Sum(nil), ttl: ttl}
}

func (s tabSigner) sign(c TabClaims, now time.Time) string {
	c.Expires = now.Add(s.ttl).Unix()
	body, _ := json.Marshal(c)
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + s.mac(payload)
}

func (s tabSigner) mac(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s tabSigner) verify(token string, now time.Time) (TabClaims, error) {
	var c TabClaims
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
		return c, ErrTokenInvalid
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(body, &c) != nil || c.MemberID == "" || c.OwnerID <= 0 {
		return c, ErrTokenInvalid
	}
	if now.Unix() >= c.Expires {
		return c, ErrTokenExpired
	}
	return c, nil
}
