// Package sbp talks to a bank's SBP (Система быстрых платежей) merchant API — Raiffeisenbank's
// `/api/sbp/...` protocol — to take instant QR payments: register a dynamic QR for a payable,
// read its state, cancel it, poll the payment, refund it, and check the bank's signed payment
// callbacks. It also reads and checks NSPK payment links (the QR payload) and renders QR images.
//
// The package knows nothing of our tables: plain Go values in, plain Go values out. Amounts are
// decimal rubles in the API and kopecks in NSPK links; neither ever passes through float64.
//
// Outcomes the caller must treat as unknown (timeouts, dropped connections, 5xx on a call that
// changes state) match ErrUnknownOutcome; a timeout also matches ErrTimeout. Bank refusals are
// *APIError values that match the sentinels in errors.go through errors.Is.
package sbp
