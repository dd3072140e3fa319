// Package subscriptions runs recurring client payments: terms agreed by the client (consent), a
// first customer-initiated payment that saves the card, then a billing pass (RunDue) that charges
// each period exactly once through the card gateway, dunning after failures, pause / resume /
// cancel / card replacement, and the e-mails and Bitrix24 updates that follow, all enqueued in the
// outbox in the same transaction as the change that causes them.
//
// Exactly once rests on the database, not on code paths: a charge row is unique per
// (subscription, period start) and is committed before the gateway is called; its id and attempt
// number form the provider's idempotency key, so a crash or a lost answer is resolved by repeating
// the same request (the provider returns the original result) or by reading the payment back.
// Due subscriptions are claimed with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), so passes
// on several replicas never work on the same subscription at once.
package subscriptions
