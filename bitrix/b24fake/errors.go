package b24fake

import (
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error body the portal answers with: {"error": Code, "error_description": Description}.
type APIError struct {
	Status      int
	Code        string
	Description string
	Argument    string // placement.bind style extra key
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Description) }

// usualStatus is the HTTP status Bitrix24 sends with a code (reference §2.3, §3.3, §17.10, §17.11).
var usualStatus = map[string]int{
	"expired_token":                  http.StatusUnauthorized,
	"invalid_token":                  http.StatusUnauthorized,
	"no_auth_found":                  http.StatusUnauthorized,
	"method_confirm_waiting":         http.StatusUnauthorized,
	"insufficient_scope":             http.StatusForbidden,
	"invalid_credentials":            http.StatusForbidden,
	"user_access_error":              http.StatusForbidden,
	"access_denied":                  http.StatusForbidden,
	"wrong_auth_type":                http.StatusForbidden,
	"allowed_only_intranet_user":     http.StatusForbidden,
	"query_limit_exceeded":           http.StatusServiceUnavailable,
	"overload_limit":                 http.StatusServiceUnavailable,
	"operation_time_limit":           http.StatusTooManyRequests,
	"internal_server_error":          http.StatusInternalServerError,
	"error_unexpected_answer":        http.StatusInternalServerError,
	"portal_deleted":                 http.StatusInternalServerError,
	"error_method_not_found":         http.StatusNotFound,
	"error_batch_method_not_allowed": http.StatusMethodNotAllowed,
	"error_batch_length_exceeded":    http.StatusBadRequest,
	"payment_required":               http.StatusPaymentRequired,
	"invalid_request":                http.StatusBadRequest,
	"invalid_grant":                  http.StatusBadRequest,
	"invalid_client":                 http.StatusUnauthorized,
}

var usualDescription = map[string]string{
	"expired_token":          "The access token provided has expired.",
	"invalid_token":          "The access token provided is invalid.",
	"no_auth_found":          "Wrong authorization data",
	"insufficient_scope":     "The request requires higher privileges than provided by the access token",
	"query_limit_exceeded":   "Too many requests",
	"operation_time_limit":   "Method is blocked due to operation time limit.",
	"error_method_not_found": "Method not found!",
	"access_denied":          "Access denied!",
	"payment_required":       "Payment required",
	"overload_limit":         "REST API is blocked due to overload.",
	"internal_server_error":  "Internal server error",
}

func statusOf(code string) int {
	if s, ok := usualStatus[strings.ToLower(code)]; ok {
		return s
	}
	return http.StatusBadRequest
}

// apiErr builds an error with the usual status and description for code; desc overrides.
func apiErr(code, desc string) *APIError {
	if desc == "" {
		desc = usualDescription[strings.ToLower(code)]
	}
	return &APIError{Status: statusOf(code), Code: code, Description: desc}
}

func notFound(desc string) *APIError { return apiErr("NOT_FOUND", desc) }

func badArg(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "INVALID_ARG_VALUE", Description: desc}
}

// legacyNotFound is how legacy crm.<entity>.get/update/delete report a missing id.
func legacyNotFound() *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "", Description: "Not found"}
}
