package yookassa

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinels matched through errors.Is on the errors the client and the notification parser return.
var (
	// ErrUnknownOutcome: the request may or may not have been carried out (timeout, broken
	// connection, HTTP 500 or 202 on a POST). Repeat it with the same Idempotence-Key, or GET.
	ErrUnknownOutcome = errors.New("yookassa: outcome unknown")
	// ErrTimeout: no answer in time. Always matches ErrUnknownOutcome as well.
	ErrTimeout = errors.New("yookassa: timeout")

	ErrInvalidRequest     = errors.New("yookassa: invalid request")
	ErrInvalidCredentials = errors.New("yookassa: invalid credentials")
	ErrForbidden          = errors.New("yookassa: forbidden")
	ErrNotFound           = errors.New("yookassa: not found")
	ErrRateLimited        = errors.New("yookassa: too many requests")
	ErrServer             = errors.New("yookassa: server error")
	// ErrKeyReused: the Idempotence-Key was already used with another body. Also ErrInvalidRequest.
	ErrKeyReused = errors.New("yookassa: idempotence key reused with another request")
	// ErrBadResponse: an answer we cannot read.
	ErrBadResponse = errors.New("yookassa: unreadable response")

	// ErrMalformedNotification: a body that is not a YooKassa notification.
	ErrMalformedNotification = errors.New("yookassa: malformed notification")
	// ErrForeignSource: a notification from an address outside the allow-list.
	ErrForeignSource = errors.New("yookassa: notification from a foreign address")
	// ErrNotificationMismatch: the object read back by GET does not match the notification.
	ErrNotificationMismatch = errors.New("yookassa: notification does not match the object")
)

// Error codes of the `code` field (https://yookassa.ru/developers/using-api/response-handling/http-codes).
const (
	CodeInvalidRequest      = "invalid_request"
	CodeInvalidCredentials  = "invalid_credentials"
	CodeForbidden           = "forbidden"
	CodeNotFound            = "not_found"
	CodeTooManyRequests     = "too_many_requests"
	CodeInternalServerError = "internal_server_error"
)

// APIError is an error answer: `{"type":"error","id":…,"code":…,"description":…,"parameter":…}`
// (https://yookassa.ru/developers/using-api/response-handling/response-format).
type APIError struct {
	Op          string
	Status      int
	ID          string
	Code        string
	Description string
	Parameter   string
	// mutating is true for POSTs: a 500 then leaves the outcome unknown.
	mutating bool
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("yookassa: %s: HTTP %d %s: %s", e.Op, e.Status, e.Code, e.Description)
	if e.Parameter != "" {
		s += " (parameter " + e.Parameter + ")"
	}
	return s
}

// Is matches the sentinels for the code, falling back on the HTTP status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrKeyReused:
		return e.Code == CodeInvalidRequest && e.Parameter == IdempotenceKeyHeader
	case ErrUnknownOutcome:
		return e.mutating && (e.Status >= 500 || e.Status == http.StatusAccepted)
	}
	return target == e.sentinel()
}

func (e *APIError) sentinel() error {
	switch {
	case e.Code == CodeInvalidRequest || e.Status == http.StatusBadRequest:
		return ErrInvalidRequest
	case e.Code == CodeInvalidCredentials || e.Status == http.StatusUnauthorized:
		return ErrInvalidCredentials
	case e.Code == CodeForbidden || e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Code == CodeNotFound || e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Code == CodeTooManyRequests || e.Status == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.Status >= 500:
		return ErrServer
	}
	return ErrInvalidRequest
}

// TransportError is a request that got no HTTP answer; it always matches ErrUnknownOutcome.
type TransportError struct {
	Op      string
	Timeout bool
	Err     error
}

func (e *TransportError) Error() string {
	kind := "transport failure"
	if e.Timeout {
		kind = "timeout"
	}
	return fmt.Sprintf("yookassa: %s: %s: %v", e.Op, kind, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrUnknownOutcome always and ErrTimeout by kind.
func (e *TransportError) Is(target error) bool {
	return target == ErrUnknownOutcome || target == ErrTimeout && e.Timeout
}
