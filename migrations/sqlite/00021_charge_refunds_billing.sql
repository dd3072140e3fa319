-- +goose Up
-- Issue 13: refunds of subscription charges go through billing's refund path. A card or SBP
-- charge becomes a billing payment (kind 'subscription_charge', provider = the route it was paid
-- on) when it is first refunded; billing's payable ids are integers, so such a charge gets one row
-- here whose id is the payable id, and at most one payment. The refunds made before (table
-- subscription_refunds) move to billing's refunds with their ids, which are the providers'
-- idempotency keys, so pending ones are reconciled as the same refunds; the manager who asked is
-- kept in refunds.requested_by.
CREATE TABLE subscription_charge_payables (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    charge_id   TEXT   NOT NULL REFERENCES subscription_charges (id),
    member_id   TEXT   NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX subscription_charge_payables_charge ON subscription_charge_payables (charge_id);
CREATE UNIQUE INDEX payments_subscription_charge ON payments (payable_kind, payable_id)
    WHERE payable_kind = 'subscription_charge';
ALTER TABLE refunds ADD COLUMN requested_by INTEGER NOT NULL DEFAULT 0;

INSERT INTO subscription_charge_payables (charge_id, member_id, created_at)
SELECT r.charge_id, MIN(r.member_id), MIN(r.created_at) FROM subscription_refunds r GROUP BY r.charge_id ORDER BY r.charge_id;

INSERT INTO payments (id, member_id, payable_kind, payable_id, provider, provider_ref, amount_minor, currency, paid_minor,
    refunded_minor, status, description, pay_token, created_at, updated_at, settled_at)
SELECT 'pay_' || c.id, c.member_id, 'subscription_charge', p.id, CASE c.route WHEN 'card' THEN 'yookassa' ELSE c.route END,
    c.provider_ref, c.amount_minor, c.currency, c.amount_minor, c.refunded_minor,
    CASE WHEN c.refunded_minor >= c.amount_minor THEN 'refunded' WHEN c.refunded_minor = 0 THEN 'succeeded'
        ELSE 'partially_refunded' END,
    'Списание ' || c.id, 'charge-' || c.id, p.created_at, p.created_at, COALESCE(c.settled_at, c.updated_at)
FROM subscription_charge_payables p JOIN subscription_charges c ON c.id = p.charge_id;

INSERT INTO refunds (id, payment_id, member_id, amount_minor, status, provider_ref, last_error, reason, check_attempts,
    next_check_at, requested_by, created_at, updated_at)
SELECT r.id, 'pay_' || r.charge_id, r.member_id, r.amount_minor, r.status, r.provider_ref, r.last_error, r.reason,
    r.check_attempts, r.next_check_at, r.manager_id, r.created_at, r.updated_at
FROM subscription_refunds r;

DROP TABLE subscription_refunds;

-- +goose Down
CREATE TABLE subscription_refunds (
    id               TEXT PRIMARY KEY,
    charge_id        TEXT    NOT NULL REFERENCES subscription_charges (id),
    subscription_id  INTEGER  NOT NULL REFERENCES subscriptions (id),
    member_id        TEXT    NOT NULL,
    amount_minor     BIGINT  NOT NULL,
    currency         TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    provider_ref     TEXT    NOT NULL DEFAULT '',
    reason           TEXT    NOT NULL DEFAULT '',
    last_error       TEXT    NOT NULL DEFAULT '',
    manager_id       BIGINT  NOT NULL DEFAULT 0,
    check_attempts   INTEGER NOT NULL DEFAULT 0,
    next_check_at    DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    CONSTRAINT subscription_refunds_amount_check CHECK (amount_minor > 0),
    CONSTRAINT subscription_refunds_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))
);
CREATE INDEX subscription_refunds_charge ON subscription_refunds (charge_id);
CREATE INDEX subscription_refunds_check ON subscription_refunds (status, next_check_at);
INSERT INTO subscription_refunds (id, charge_id, subscription_id, member_id, amount_minor, currency, status, provider_ref,
    reason, last_error, manager_id, check_attempts, next_check_at, created_at, updated_at)
SELECT r.id, c.id, c.subscription_id, r.member_id, r.amount_minor, c.currency, r.status, r.provider_ref, r.reason,
    r.last_error, r.requested_by, r.check_attempts, r.next_check_at, r.created_at, r.updated_at
FROM refunds r JOIN payments p ON p.id = r.payment_id
    JOIN subscription_charge_payables cp ON p.payable_kind = 'subscription_charge' AND cp.id = p.payable_id
    JOIN subscription_charges c ON c.id = cp.charge_id;
DELETE FROM refunds WHERE payment_id IN (SELECT id FROM payments WHERE payable_kind = 'subscription_charge');
DELETE FROM payments WHERE payable_kind = 'subscription_charge';
ALTER TABLE refunds DROP COLUMN requested_by;
DROP INDEX payments_subscription_charge;
DROP TABLE subscription_charge_payables;
