// Package yookassa talks to the YooKassa API v3 (https://api.yookassa.ru/v3/) for recurring card
// payments: a first customer-initiated payment that saves the card (`save_payment_method`), later
// merchant-initiated charges with the saved method (`payment_method_id`), lookups, refunds, and
// inbound HTTP notifications. See /work/shared/reference/sbp-and-cards.md §c and the official pages
// https://yookassa.ru/developers/using-api/basics, .../response-handling/recommendations,
// .../response-handling/http-codes, .../response-handling/response-format, .../webhooks.
//
// Every POST carries an Idempotence-Key that the caller chooses (for a subscription charge: our
// charge id). Repeating a POST with the same key and body is always safe. Outcomes the caller
// must treat as unknown (timeout, dropped connection, HTTP 500 or 202 on a POST) match
// ErrUnknownOutcome: repeat the same request with the same key, or GET the payment.
//
// The package knows nothing of our tables: plain Go values in and out. Amounts are decimal strings
// in rubles on the wire (`{"value": "990.00", "currency": "RUB"}`) and never pass through float64.
package yookassa
