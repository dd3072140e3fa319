package bitrix

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches the sentinel of its code with
// errors.Is (codes compared case-insensitively).
var (
	ErrQueryLimitExceeded    = errors.New("bitrix: query limit exceeded")
	ErrOperationTimeLimit    = errors.New("bitrix: operation time limit")
	ErrExpiredToken          = errors.New("bitrix: access token expired")
	ErrInvalidToken          = errors.New("bitrix: invalid access token")
	ErrInvalidGrant          = errors.New("bitrix: invalid grant")
	ErrInvalidClient         = errors.New("bitrix: invalid client")
	ErrInsufficientScope     = errors.New("bitrix: insufficient scope")
	ErrMethodNotFound        = errors.New("bitrix: method not found")
	ErrAccessDenied          = errors.New("bitrix: access denied")
	ErrWrongAuthType         = errors.New("bitrix: wrong auth type")
	ErrNotFound              = errors.New("bitrix: not found")
	ErrPaymentRequired       = errors.New("bitrix: payment required")
	ErrOverloadLimit         = errors.New("bitrix: portal blocked by overload limit")
	ErrPortalDeleted         = errors.New("bitrix: portal deleted")
	ErrMethodConfirmWaiting  = errors.New("bitrix: method awaits admin confirmation")
	ErrBatchLengthExceeded   = errors.New("bitrix: batch length exceeded")
	ErrBatchMethodNotAllowed = errors.New("bitrix: method not allowed in batch")
	ErrServer                = errors.New("bitrix: server error")

	// ErrTransport wraps network failures and timeouts.
	ErrTransport = errors.New("bitrix: transport error")
	// ErrBadResponse marks a body that is not the documented JSON envelope.
	ErrBadResponse = errors.New("bitrix: undecodable response")
	// ErrTokensNotSaved: a new token pair was obtained but OnTokens failed;
	// the call was not repeated.
	ErrTokensNotSaved = errors.New("bitrix: refreshed tokens not saved")
	// ErrRefreshFailed wraps the failure of a token refresh; later calls with
	// the same refresh token get it again without asking the OAuth server.
	ErrRefreshFailed = errors.New("bitrix: token refresh failed")
	// ErrInvalidConfig marks bad Config or Credentials.
	ErrInvalidConfig = errors.New("bitrix: invalid configuration")
	// ErrTooManyCommands: a Batch holds more than MaxBatchCommands.
	ErrTooManyCommands = errors.New("bitrix: too many batch commands")
	// ErrCursorStalled: list traversal saw no progress in ids.
	ErrCursorStalled = errors.New("bitrix: list cursor stalled")
)

var codeSentinels = map[string]error{
	"query_limit_exceeded":           ErrQueryLimitExceeded,
	"operation_time_limit":           ErrOperationTimeLimit,
	"expired_token":                  ErrExpiredToken,
	"invalid_token":                  ErrInvalidToken,
	"no_auth_found":                  ErrInvalidToken,
	"invalid_grant":                  ErrInvalidGrant,
	"invalid_client":                 ErrInvalidClient,
	"wrong_client":                   ErrInvalidClient,
	"insufficient_scope":             ErrInsufficientScope,
	"invalid_scope":                  ErrInsufficientScope,
	"error_method_not_found":         ErrMethodNotFound,
	"access_denied":                  ErrAccessDenied,
	"invalid_credentials":            ErrAccessDenied,
	"user_access_error":              ErrAccessDenied,
	"allowed_only_intranet_user":     ErrAccessDenied,
	"wrong_auth_type":                ErrWrongAuthType,
	"not_found":                      ErrNotFound,
	"error_not_found":                ErrNotFound,
	"payment_required":               ErrPaymentRequired,
	"overload_limit":                 ErrOverloadLimit,
	"portal_deleted":                 ErrPortalDeleted,
	"method_confirm_waiting":         ErrMethodConfirmWaiting,
	"error_batch_length_exceeded":    ErrBatchLengthExceeded,
	"error_batch_method_not_allowed": ErrBatchMethodNotAllowed,
	"internal_server_error":          ErrServer,
	"error_unexpected_answer":        ErrServer,
}

// textSentinels classify the errors that carry no code: legacy CRM methods answer HTTP 400 with
// "error": "" or "error": 0 and the reason only in error_description (docs: the error tables of
// api-reference/crm/deals/crm-deal-get.md, crm-deal-update.md, crm/companies/crm-company-get.md,
// crm/requisites/universal/crm-requisite-list.md).
var textSentinels = map[string]error{
	"access denied": ErrAccessDenied,
	"not found":     ErrNotFound,
}

// APIError is an error envelope returned by the portal or the OAuth server.
type APIError struct {
	Code        string // as sent, original case
	Description string
	HTTPStatus  int    // 0 for a sub-command of a batch
	Method      string // the REST method or "oauth/token"

	resetAt time.Time // operating_reset_at sent with the error, if any
}

func (e *APIError) Error() string {
	return fmt.Sprintf("bitrix %s: %s (HTTP %d): %s", e.Method, e.Code, e.HTTPStatus, e.Description)
}

// Is matches the sentinel of the code; ErrServer also matches any 5xx that
// is not a rate or overload limit.
func (e *APIError) Is(target error) bool {
	s, ok := codeSentinels[strings.ToLower(e.Code)]
	if ok && s == target || !ok && legacySentinel(e) == target && target != nil {
		return true
	}
	if e.codeless() {
		text := strings.ToLower(strings.TrimRight(strings.TrimSpace(e.Description), ".!"))
		if s, found := textSentinels[text]; found {
			return s == target
		}
		// userfieldconfig.* without the module's scope (userfieldconfig-list.md).
		if strings.HasPrefix(text, "the current method required more scopes") {
			return target == ErrInsufficientScope
		}
	}
	return target == ErrServer && e.HTTPStatus >= 500 && !ok
}

// codeless tells an answer whose "error" was empty or 0 (decodeEnvelope names those HTTP_<status>).
func (e *APIError) codeless() bool {
	return e.Code == "" || e.Code == "0" || strings.HasPrefix(e.Code, "HTTP_")
}

// HasCode reports whether err is an *APIError with this code (any case).
func HasCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && strings.EqualFold(ae.Code, code)
}

// BatchError carries the sub-command failures of a batch; the successful
// results are returned next to it.
type BatchError struct {
	Errors map[string]*APIError
}

func (e *BatchError) Error() string {
	names := make([]string, 0, len(e.Errors))
	for n, ae := range e.Errors {
		names = append(names, n+": "+ae.Code)
	}
	return fmt.Sprintf("bitrix batch: %d command(s) failed: %s", len(e.Errors), strings.Join(sortedStrings(names), ", "))
}

// Is is true when any failed command matches target.
func (e *BatchError) Is(target error) bool {
	for _, ae := range e.Errors {
		if errors.Is(ae, target) {
			return true
		}
	}
	return false
}

// RequestError is a malformed inbound request; it matches ErrMalformedRequest.
type RequestError struct {
	Field  string
	Reason string
}

// ErrMalformedRequest marks any inbound request that cannot be parsed.
var ErrMalformedRequest = errors.New("bitrix: malformed request")

// ErrBadApplicationToken: the application_token does not match the stored one.
var ErrBadApplicationToken = errors.New("bitrix: application token mismatch")

func (e *RequestError) Error() string {
	return fmt.Sprintf("bitrix: malformed request: %s: %s", e.Field, e.Reason)
}

// Is matches ErrMalformedRequest.
func (e *RequestError) Is(target error) bool { return target == ErrMalformedRequest }

func malformed(field, reason string) error { return &RequestError{Field: field, Reason: reason} }
