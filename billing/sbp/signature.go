package sbp

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// HeaderGetter is what VerifySignature needs of the request headers (http.Header fits).
type HeaderGetter interface {
	Get(key string) string
}

// SignedMessage is the text the bank signs:
// amount|sbpMerchantId|order|paymentStatus|transactionDate, joined by '|', UTF-8.
func SignedMessage(amount, sbpMerchantID, order, paymentStatus, transactionDate string) string {
	return strings.Join([]string{amount, sbpMerchantID, order, paymentStatus, transactionDate}, "|")
}

// Sign returns the lower-case hex HMAC-SHA256 of message under key.
func Sign(message, key string) string {
	return hex.EncodeToString(mac([]byte(message), key))
}

// SignBody returns the signature the bank would send for a callback body (amount written as
// the minimal decimal, e.g. 1500.5, 100). Tests and fakes use it to forge genuine callbacks.
func SignBody(body []byte, key string) (string, error) {
	w, err := decodeWire(body)
	if err != nil {
		return "", err
	}
	amount, err := w.amount()
	if err != nil {
		return "", err
	}
	return Sign(SignedMessage(amount.String(), w.SBPMerchantID, w.Order, w.PaymentStatus, w.TransactionDate), key), nil
}

// VerifySignature checks the X-Api-Signature-SHA256 header of a callback against its raw body
// (constant-time; hex in either case). The amount is tried as the minimal decimal (the bank's
// SDKs' reading) and as the exact JSON text received, since which one the bank signs for
// amounts such as 100.00 is not confirmed.
func VerifySignature(body []byte, h HeaderGetter, key string) error {
	if key == "" {
		return fmt.Errorf("%w: no key configured", ErrBadSignature)
	}
	got, err := headerSignature(h)
	if err != nil {
		return err
	}
	w, err := decodeWire(body)
	if err != nil {
		return err
	}
	amount, err := w.amount()
	if err != nil {
		return err
	}
	ok := false
	for _, a := range amountReadings(amount.String(), string(bytes.Trim(w.Amount, `"`))) {
		msg := SignedMessage(a, w.SBPMerchantID, w.Order, w.PaymentStatus, w.TransactionDate)
		ok = hmac.Equal(got, mac([]byte(msg), key)) || ok
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

func headerSignature(h HeaderGetter) ([]byte, error) {
	if h == nil {
		return nil, ErrSignatureMissing
	}
	v := strings.TrimSpace(h.Get(SignatureHeader))
	if v == "" {
		return nil, ErrSignatureMissing
	}
	got, err := hex.DecodeString(v)
	if err != nil || len(got) != sha256.Size {
		return nil, fmt.Errorf("%w: header is not a hex SHA-256 digest", ErrBadSignature)
	}
	return got, nil
}

func amountReadings(minimal, raw string) []string {
	if raw == minimal {
		return []string{minimal}
	}
	return []string{minimal, raw}
}

func mac(msg []byte, key string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(msg)
	return m.Sum(nil)
}
