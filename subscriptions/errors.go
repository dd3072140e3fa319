package subscriptions

import "errors"

// Errors of the service; the HTTP layer maps them to answers in one place.
var (
	ErrInvalidInput       = errors.New("subscriptions: invalid input")
	ErrNotFound           = errors.New("subscriptions: not found")
	ErrIllegalTransition  = errors.New("subscriptions: illegal status transition")
	ErrRouteUnavailable   = errors.New("subscriptions: payment route not configured")
	ErrConsentMissing     = errors.New("subscriptions: consent missing")
	ErrConflict           = errors.New("subscriptions: conflicting state")
	ErrGatewayUnavailable = errors.New("subscriptions: payment gateway did not answer")
)

// FieldError names the input field that is wrong and says, in Russian, how to fix it.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return "subscriptions: " + e.Field + ": " + e.Message }

// Is makes every FieldError match ErrInvalidInput.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidInput }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Message: msg} }
