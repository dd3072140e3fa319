// Package invoicebox talks to the Invoicebox merchant API v3 (orders, refunds) and
// checks and parses the notifications Invoicebox sends to us.
//
// The package knows nothing of our tables: it takes plain Go values and returns plain Go
// values. Money is decimal.Decimal in rubles with at most two decimal places; on the wire
// it is a JSON number with exactly two decimals, never computed through float64.
//
// Outbound calls return typed errors: *APIError for answers of Invoicebox (matched with
// errors.Is against ErrNotFound, ErrWrongAmount, ErrRateLimited, ...) and *TransportError
// when no answer arrived (matched against ErrTimeout, and ErrUnknownOutcome for writes,
// after which the caller must look the order up by its merchant order id before creating
// anything new).
//
// The inbound side is pure: VerifySignature checks X-Signature over the raw body,
// ParseNotification turns the body into a Notification, and Answer renders the reply
// Invoicebox expects.
package invoicebox
