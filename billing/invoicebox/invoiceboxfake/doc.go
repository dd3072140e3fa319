// Package invoiceboxfake is an in-memory Invoicebox merchant API v3 for tests and the
// sandbox: an http.Handler that checks the bearer token, validates orders the way
// Invoicebox does (422 for sums that do not add up, duplicates, wrong statuses), keeps
// statuses, and sends signed notifications with retries to the notification URL.
//
// Switches let tests provoke what the real service does on a bad day: 429 with
// Retry-After, slow answers (before or after the write is applied), 500s, duplicate and
// out-of-order notification delivery. Counters let tests check that nothing was doubled.
package invoiceboxfake
