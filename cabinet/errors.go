package cabinet

import (
	"errors"
	"strings"
)

// Typed errors; the HTTP layer maps them to pages.
var (
	// ErrBadCredentials is the one answer to a wrong e-mail or a wrong password.
	ErrBadCredentials = errors.New("cabinet: wrong e-mail or password")
	// ErrNotVerified is a right password of an account whose e-mail is not confirmed yet.
	ErrNotVerified = errors.New("cabinet: e-mail not verified")
	// ErrThrottled says too many attempts came from this address or for this account.
	ErrThrottled = errors.New("cabinet: too many attempts")
	// ErrBadLink is a verification, reset or invitation link that is unknown, used or expired.
	ErrBadLink = errors.New("cabinet: link unknown, used or expired")
	// ErrNoSession is a missing, unknown or expired session.
	ErrNoSession = errors.New("cabinet: no session")
)

// InvalidError lists what to fix, by form field.
type InvalidError struct {
	Fields map[string]string // form field → Russian message
}

func (e *InvalidError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	return "cabinet: invalid " + strings.Join(keys, ", ")
}

// FieldErrors returns the field messages of an *InvalidError, or nil.
func FieldErrors(err error) map[string]string {
	var inv *InvalidError
	if errors.As(err, &inv) {
		return inv.Fields
	}
	return nil
}
