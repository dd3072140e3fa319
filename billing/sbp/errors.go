package sbp

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels matched through errors.Is on the errors the client and the notification parser return.
var (
	// ErrUnknownOutcome: the request may or may not have been carried out by the bank
	// (timeout, broken connection, 5xx on a call that changes state). Resolve it by a lookup.
	ErrUnknownOutcome = errors.New("sbp: outcome unknown")
	// ErrTimeout: the bank did not answer in time. Always matches ErrUnknownOutcome as well.
	ErrTimeout = errors.New("sbp: timeout")
	// ErrTransport: the request failed below HTTP (DNS, connection refused, reset).
	ErrTransport = errors.New("sbp: transport failure")

	ErrInvalidRequest        = errors.New("sbp: invalid request")
	ErrInvalidOrder          = errors.New("sbp: invalid order id")
	ErrExpirationNotValid    = errors.New("sbp: QR expiration date not valid")
	ErrMerchantNotRegistered = errors.New("sbp: merchant not registered")
	ErrAccountNotRegistered  = errors.New("sbp: account not registered")
	// ErrAlreadyPaid: the order already has a successful payment (ERROR.ORDER_NUMBER_ALREADY_REGISTERED).
	ErrAlreadyPaid = errors.New("sbp: order already paid")
	// ErrWrongAmount: the bank refused the amount (missing, malformed, or more than can be refunded).
	ErrWrongAmount = errors.New("sbp: wrong amount")
	// ErrRefundExceedsPaid: the refunds would exceed what is left of the payment. Also ErrWrongAmount.
	ErrRefundExceedsPaid = errors.New("sbp: refund exceeds paid amount")
	ErrNotFound          = errors.New("sbp: not found")
	ErrUnauthorized      = errors.New("sbp: unauthorized")
	ErrRateLimited       = errors.New("sbp: rate limited")
	ErrServer            = errors.New("sbp: bank server error")
	// ErrBadResponse: the bank answered something we cannot read.
	ErrBadResponse = errors.New("sbp: unreadable response")

	// ErrMalformedNotification: a callback body that is not a payment notification.
	ErrMalformedNotification = errors.New("sbp: malformed notification")
	// ErrForeignMerchant: a notification for another SBP merchant.
	ErrForeignMerchant = errors.New("sbp: notification for another merchant")
	// ErrSignatureMissing: no X-Api-Signature-SHA256 header.
	ErrSignatureMissing = errors.New("sbp: signature missing")
	// ErrBadSignature: the signature does not match the body.
	ErrBadSignature = errors.New("sbp: bad signature")

	// ErrMalformedLink: not an NSPK payment link.
	ErrMalformedLink = errors.New("sbp: malformed NSPK link")
	// ErrLinkChecksum: the link's crc does not match its text.
	ErrLinkChecksum = errors.New("sbp: NSPK link checksum mismatch")
)

// Error codes the bank documents (`code` in every answer).
const (
	CodeSuccess                 = "SUCCESS"
	CodeAccountNotRegistered    = "ERROR.ACCOUNT_IS_NOT_REGISTERED"
	CodeInvalidRequest          = "ERROR.INVALID_REQUEST"
	CodeExpirationDateNotValid  = "ERROR.QR_EXPIRATION_DATE_NOT_VALID"
	CodeMerchantNotRegistered   = "ERROR.MERCHANT_NOT_REGISTERED"
	CodeOrderAlreadyRegistered  = "ERROR.ORDER_NUMBER_ALREADY_REGISTERED"
	CodeSBPMerchantIDMissing    = "ERROR.SBP_MERCHANT_ID_IS_MISSING"
	CodeDynamicQRWithoutAmount  = "ERROR.DYNAMIC_QR_WITHOUT_AMOUNT"
	CodeInvalidOrder            = "ERROR.INVALID_ORDER"
	CodeNotFound                = "ERROR.NOT_FOUND"
	CodeRefundInsufficientFunds = "ERROR.REFUND_INSUFFICIENT_FUNDS"
	CodeRefundNotFound          = "ERROR.REFUND_NOT_FOUND"
)

// APIError is a refusal or failure answered by the bank.
type APIError struct {
	Op      string // our operation, e.g. "register QR"
	Status  int    // HTTP status
	Code    string // the bank's `code`, empty if the body had none
	Message string // the bank's `message` (shown to staff, never to payers)
	// RetryAfter is the wait the bank asked for on HTTP 429 (zero if not given).
	RetryAfter time.Duration
	// mutating is true for calls that change state at the bank (a 5xx then leaves the outcome unknown).
	mutating bool
}

func (e *APIError) Error() string {
	return fmt.Sprintf("sbp: %s: HTTP %d %s: %s", e.Op, e.Status, e.Code, e.Message)
}

// Is matches the sentinel(s) for the bank's code, falling back on the HTTP status.
func (e *APIError) Is(target error) bool {
	for _, s := range e.sentinels() {
		if s == target {
			return true
		}
	}
	return false
}

func (e *APIError) sentinels() []error {
	if s := codeSentinels(e.Code); s != nil {
		return s
	}
	return e.statusSentinels()
}

func codeSentinels(code string) []error {
	switch code {
	case CodeInvalidRequest, CodeSBPMerchantIDMissing:
		return []error{ErrInvalidRequest}
	case CodeDynamicQRWithoutAmount:
		return []error{ErrInvalidRequest, ErrWrongAmount}
	case CodeInvalidOrder:
		return []error{ErrInvalidRequest, ErrInvalidOrder}
	case CodeExpirationDateNotValid:
		return []error{ErrInvalidRequest, ErrExpirationNotValid}
	case CodeAccountNotRegistered:
		return []error{ErrInvalidRequest, ErrAccountNotRegistered}
	case CodeMerchantNotRegistered:
		return []error{ErrMerchantNotRegistered}
	case CodeOrderAlreadyRegistered:
		return []error{ErrAlreadyPaid}
	case CodeNotFound, CodeRefundNotFound:
		return []error{ErrNotFound}
	case CodeRefundInsufficientFunds:
		return []error{ErrRefundExceedsPaid, ErrWrongAmount}
	}
	return nil
}

func (e *APIError) statusSentinels() []error {
	switch {
	case e.Status == 429:
		return []error{ErrRateLimited}
	case e.Status == 401 || e.Status == 403:
		return []error{ErrUnauthorized}
	case e.Status == 404:
		return []error{ErrNotFound}
	case e.Status >= 500 && e.mutating:
		return []error{ErrServer, ErrUnknownOutcome}
	case e.Status >= 500:
		return []error{ErrServer}
	case e.Status == 422:
		return []error{ErrInvalidRequest, ErrWrongAmount}
	}
	return []error{ErrInvalidRequest}
}

// TransportError is a request that got no HTTP answer. It always matches ErrUnknownOutcome
// (the bank may have acted on it), ErrTimeout when the deadline passed, else ErrTransport.
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
	return fmt.Sprintf("sbp: %s: %s: %v", e.Op, kind, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrUnknownOutcome always, and ErrTimeout or ErrTransport by kind.
func (e *TransportError) Is(target error) bool {
	switch target {
	case ErrUnknownOutcome:
		return true
	case ErrTimeout:
		return e.Timeout
	case ErrTransport:
		return !e.Timeout
	}
	return false
}
