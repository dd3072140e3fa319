package bitrix

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"
)

// Auth is the auth[…] block Bitrix24 sends with events and robot calls.
// Tokens are absent when a robot, workflow or agent caused the event.
type Auth struct {
	AccessToken      string
	RefreshToken     string
	Expires          time.Time // zero when not sent
	ExpiresIn        int
	Scope            string
	Domain           string
	ServerEndpoint   string
	ClientEndpoint   string
	Status           string
	MemberID         string
	UserID           ID
	ApplicationToken string
}

func parseAuth(t *FormTree) (Auth, error) {
	a := Auth{
		AccessToken:      t.Get("access_token"),
		RefreshToken:     t.Get("refresh_token"),
		Scope:            t.Get("scope"),
		Domain:           t.Get("domain"),
		ServerEndpoint:   t.Get("server_endpoint"),
		ClientEndpoint:   t.Get("client_endpoint"),
		Status:           t.Get("status"),
		MemberID:         t.Get("member_id"),
		ApplicationToken: t.Get("application_token"),
	}
	var err error
	if a.ExpiresIn, err = optionalInt("auth[expires_in]", t.Get("expires_in")); err != nil {
		return a, err
	}
	exp, err := optionalInt("auth[expires]", t.Get("expires"))
	if err != nil {
		return a, err
	}
	if exp > 0 {
		a.Expires = time.Unix(int64(exp), 0)
	}
	if a.UserID, err = ParseID(t.Get("user_id")); err != nil {
		return a, malformed("auth[user_id]", "not a number")
	}
	if a.MemberID == "" {
		return a, malformed("auth[member_id]", "missing")
	}
	return a, nil
}

// VerifyApplicationToken compares the sent application_token with the
// stored one in constant time.
func (a Auth) VerifyApplicationToken(stored string) error {
	return verifyToken(a.ApplicationToken, stored)
}

// Credentials builds stored credentials from an ONAPPINSTALL auth block.
// The endpoints are the ones Bitrix24 sent; check them against the
// configured portal before trusting them.
func (a Auth) Credentials(now time.Time) Credentials {
	exp := a.Expires
	if exp.IsZero() && a.ExpiresIn > 0 {
		exp = now.Add(time.Duration(a.ExpiresIn) * time.Second)
	}
	return Credentials{
		MemberID:         a.MemberID,
		ClientEndpoint:   a.ClientEndpoint,
		ServerEndpoint:   a.ServerEndpoint,
		AccessToken:      a.AccessToken,
		RefreshToken:     a.RefreshToken,
		ExpiresAt:        exp,
		ApplicationToken: a.ApplicationToken,
		Scope:            a.Scope,
		UserID:           a.UserID,
	}
}

func verifyToken(sent, stored string) error {
	if stored == "" || sent == "" {
		return ErrBadApplicationToken
	}
	if subtle.ConstantTimeCompare([]byte(sent), []byte(stored)) != 1 {
		return ErrBadApplicationToken
	}
	return nil
}

func optionalInt(field, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, malformed(field, "not a non-negative integer")
	}
	return n, nil
}

func optionalTime(field, s string) (time.Time, error) {
	n, err := optionalInt(field, s)
	if err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(int64(n), 0), nil
}
