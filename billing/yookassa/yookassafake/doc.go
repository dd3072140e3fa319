// Package yookassafake is an in-memory YooKassa shop speaking API v3 over HTTP, for tests and the
// sandbox. It follows /work/shared/reference/sbp-and-cards.md §c and the official pages named
// there, not the app: HTTP Basic auth (shopId:secretKey), a mandatory Idempotence-Key on every
// POST (same key + same body → the original answer; another body → 400 invalid_request with
// parameter Idempotence-Key; keys honoured 24 h), statuses pending → waiting_for_capture →
// succeeded | canceled with cancellation_details, saved payment methods (`save_payment_method`,
// then `payment_method_id`), refunds, and notifications `{"type":"notification","event":…,
// "object":…}` posted to a URL and redelivered until HTTP 200.
//
// Texts the docs do not spell out (descriptions of 400 answers) are the fake's own and marked so.
// Only RUB is accepted. Test drivers: Pay and Decline act as the payer on the confirmation page,
// SetMethodDecline makes the bank refuse later charges of a saved method, FailNext answers HTTP 500
// before or after carrying a request out (a lost answer).
package yookassafake
