// Package sbpfake is an in-memory SBP bank speaking the Raiffeisenbank `/api/sbp/...` protocol
// as documented: bearer auth, validation with the documented error codes, QR and payment
// statuses, refunds, and signed payment callbacks with retries. Switches let tests provoke
// rate limits, slow answers (timeouts), server errors, and duplicate or out-of-order callbacks;
// counters let tests check what happened. It is an http.Handler, for httptest or standalone use.
//
// Where the bank's documentation is silent the fake makes a choice and says so: HTTP statuses of
// errors (400 validation, 401 auth, 404 not found, 422 business refusals, 429 rate limit — or all
// errors as HTTP 200 with switch ErrorsAsHTTP200), and the codes ERROR.UNAUTHORIZED,
// ERROR.TOO_MANY_REQUESTS and ERROR (on injected server failures), which are the fake's own.
package sbpfake
