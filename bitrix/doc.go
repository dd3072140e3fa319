// Package bitrix is the Bitrix24 REST client of b24pay and the parser of the
// requests Bitrix24 sends to the application (install and app pages, events,
// placements, robots).
//
// The package knows nothing of our storage: a Client is built from
// Credentials and reports every change of them (a refreshed token pair, a
// moved portal domain) through callbacks the caller persists.
//
// One Client per portal. A Client owns the portal's token state, its
// single-flight refresh and — through a Limiters registry keyed by member id —
// the portal's leaky bucket and per-method pauses. Clients built for the same
// member id from the same Limiters share one bucket, so a caller that builds
// short-lived Clients (one per request) still respects the portal's limit as
// long as it passes the same Limiters in Config.
//
// Retry policy of Call: QUERY_LIMIT_EXCEEDED is always retried with backoff
// (the portal did not execute the call); OPERATION_TIME_LIMIT pauses that
// method until its reset and retries; expired_token triggers one refresh and
// one repeat; network errors, undecodable bodies and 5xx are retried only for
// calls marked Idempotent. Everything else is returned as *APIError.
package bitrix
