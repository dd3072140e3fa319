package invoicebox

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinels matched with errors.Is against *APIError, *TransportError and input errors.
var (
	ErrUnauthorized       = errors.New("invoicebox: unauthorized")
	ErrForbidden          = errors.New("invoicebox: forbidden")
	ErrNotFound           = errors.New("invoicebox: not found")
	ErrValidation         = errors.New("invoicebox: request rejected as invalid")
	ErrWrongAmount        = errors.New("invoicebox: amounts do not add up")
	ErrWrongExpiration    = errors.New("invoicebox: wrong expiration date")
	ErrWrongCurrency      = errors.New("invoicebox: wrong currency")
	ErrWrongOrderStatus   = errors.New("invoicebox: operation not allowed in the order status")
	ErrDuplicateOrderID   = errors.New("invoicebox: merchant order id already used")
	ErrRateLimited        = errors.New("invoicebox: rate limited")
	ErrServer             = errors.New("invoicebox: server error")
	ErrUnexpectedResponse = errors.New("invoicebox: unexpected response")

	// ErrAlreadyPaid: the order is paid, so it cannot be changed or cancelled (a
	// wrong_order_status answer for an order we know to be completed).
	ErrAlreadyPaid = errors.New("invoicebox: order already paid")

	// ErrTimeout: no answer arrived in time.
	ErrTimeout = errors.New("invoicebox: timeout")
	// ErrNetwork: the request failed below HTTP (connection refused, reset, DNS).
	ErrNetwork = errors.New("invoicebox: network error")
	// ErrUnknownOutcome: a write may or may not have been applied. Look the object up
	// by its merchant order id before creating anything new.
	ErrUnknownOutcome = errors.New("invoicebox: outcome unknown")

	// ErrInvalidInput: our own input failed validation before any request was sent.
	ErrInvalidInput = errors.New("invoicebox: invalid input")
)

// Error codes documented by Invoicebox (error.code).
const (
	CodeUnauthorized               = "unauthorized"
	CodeForbidden                  = "forbidden"
	CodeWrongExpirationDate        = "wrong_expiration_date"
	CodeWrongCurrency              = "wrong_currency"
	CodeLanguageNotFound           = "language_not_found"
	CodeWrongBasketItemTotalAmount = "wrong_basket_item_total_amount"
	CodeWrongBasketItemTotalVAT    = "wrong_basket_item_total_vat_amount"
	CodeWrongBasketItemAmountWoVAT = "wrong_basket_item_amount_wo_vat"
	CodeWrongTotalAmount           = "wrong_total_amount"
	CodeWrongTotalVATAmount        = "wrong_total_vat_amount"
	CodeWrongOrderStatus           = "wrong_order_status"
	CodeMerchantOrderIDDuplicate   = "merchant_order_id_duplicate"
)

// FieldError is one offending field of a validation answer.
type FieldError struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// APIError is an answer of Invoicebox with an HTTP status ≥ 400.
type APIError struct {
	Status     int
	Code       string
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration // from Retry-After on 429
	RequestID  string        // X-Request-Id, for support
	Op         string        // our operation, e.g. "create order"
	// OrderStatus is the status read back after a wrong_order_status answer to an
	// update or cancel; a paid status makes the error match ErrAlreadyPaid.
	OrderStatus OrderStatus
	write       bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invoicebox: %s: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// Is maps the answer onto the package sentinels.
func (e *APIError) Is(target error) bool {
	if target == ErrServer || target == ErrUnknownOutcome {
		return e.Status >= 500 && (target == ErrServer || e.write)
	}
	if target == ErrRateLimited {
		return e.Status == 429
	}
	if target == ErrAlreadyPaid {
		return e.OrderStatus.IsPaid()
	}
	if target == ErrValidation {
		return e.Status == 400 || e.Status == 422
	}
	return codeSentinel(e.Code, e.Status) == target
}

func codeSentinel(code string, status int) error {
	switch code {
	case CodeUnauthorized:
		return ErrUnauthorized
	case CodeForbidden:
		return ErrForbidden
	case CodeWrongExpirationDate:
		return ErrWrongExpiration
	case CodeWrongCurrency:
		return ErrWrongCurrency
	case CodeWrongBasketItemTotalAmount, CodeWrongBasketItemTotalVAT, CodeWrongBasketItemAmountWoVAT,
		CodeWrongTotalAmount, CodeWrongTotalVATAmount:
		return ErrWrongAmount
	case CodeWrongOrderStatus:
		return ErrWrongOrderStatus
	case CodeMerchantOrderIDDuplicate:
		return ErrDuplicateOrderID
	}
	switch status {
	case 401:
		return ErrUnauthorized
	case 403:
		return ErrForbidden
	case 404:
		return ErrNotFound
	}
	return nil
}

// TransportError is a request that got no HTTP answer.
type TransportError struct {
	Op      string
	Timeout bool
	Write   bool // the request could have changed state at Invoicebox
	Err     error
}

func (e *TransportError) Error() string {
	kind := "network error"
	if e.Timeout {
		kind = "timeout"
	}
	if e.Write {
		kind += ", outcome unknown"
	}
	return fmt.Sprintf("invoicebox: %s: %s: %v", e.Op, kind, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrNetwork always, ErrTimeout on timeouts and ErrUnknownOutcome on writes.
func (e *TransportError) Is(target error) bool {
	switch target {
	case ErrNetwork:
		return true
	case ErrTimeout:
		return e.Timeout
	case ErrUnknownOutcome:
		return e.Write
	}
	return false
}

// InputError names the field of our own input that is wrong; it matches ErrInvalidInput.
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("invoicebox: invalid input: %s: %s", e.Field, e.Reason)
}

// Is matches ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
