package invoicebox

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// SignatureHeader carries the notification signature.
const SignatureHeader = "X-Signature"

// Signature errors; both match ErrBadSignature.
var (
	ErrBadSignature      = errors.New("invoicebox: bad notification signature")
	ErrMissingSignature  = &signatureError{"X-Signature header is missing"}
	ErrSignatureMismatch = &signatureError{"X-Signature does not match the body"}
	// ErrNoNotificationKey: we have no key, so nothing can be accepted.
	ErrNoNotificationKey = errors.New("invoicebox: notification key is not configured")
)

type signatureError struct{ reason string }

func (e *signatureError) Error() string        { return "invoicebox: " + e.reason }
func (e *signatureError) Is(target error) bool { return target == ErrBadSignature }

// Sign is the lower-case hex HMAC-SHA1 of body under key, as Invoicebox sends it.
func Sign(body []byte, key string) string {
	return hex.EncodeToString(mac(body, key))
}

func mac(body []byte, key string) []byte {
	m := hmac.New(sha1.New, []byte(key))
	m.Write(body)
	return m.Sum(nil)
}

// VerifySignature checks X-Signature against the raw body bytes, before any parsing.
// The documented form is hex (either case); base64 of the same MAC is accepted too,
// since the cabinet lets a shop choose the signature format and that is unconfirmed.
// The comparison is constant-time.
func VerifySignature(body []byte, header http.Header, key string) error {
	if key == "" {
		return ErrNoNotificationKey
	}
	got := strings.TrimSpace(header.Get(SignatureHeader))
	if got == "" {
		return ErrMissingSignature
	}
	sig, ok := decodeSignature(got)
	if !ok || !hmac.Equal(sig, mac(body, key)) {
		return ErrSignatureMismatch
	}
	return nil
}

// decodeSignature reads a 20-byte SHA-1 MAC written as hex (40 chars) or base64 (28 or
// 27 chars, standard or URL alphabet); the lengths do not overlap.
func decodeSignature(s string) ([]byte, bool) {
	var (
		b   []byte
		err error
	)
	switch len(s) {
	case hex.EncodedLen(sha1.Size):
		b, err = hex.DecodeString(s)
	case base64.StdEncoding.EncodedLen(sha1.Size):
		b, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.ReplaceAll(s, "-", "+"), "_", "/"))
	case base64.RawStdEncoding.EncodedLen(sha1.Size):
		b, err = base64.RawStdEncoding.DecodeString(strings.ReplaceAll(strings.ReplaceAll(s, "-", "+"), "_", "/"))
	default:
		return nil, false
	}
	return b, err == nil && len(b) == sha1.Size
}
