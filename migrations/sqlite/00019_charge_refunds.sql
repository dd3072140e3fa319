-- +goose Up
-- Refunds of subscription charges (issue 13). A charge keeps what was refunded of it (reserved
-- under its row lock before the provider is asked); each refund has its own id at the provider
-- (the idempotency key) and is re-checked while pending.
ALTER TABLE subscription_charges ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0
    CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor);

CREATE TABLE subscription_refunds (
    id               TEXT PRIMARY KEY,
    charge_id        TEXT    NOT NULL REFERENCES subscription_charges (id),
    subscription_id  BIGINT  NOT NULL REFERENCES subscriptions (id),
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

-- +goose Down
DROP TABLE subscription_refunds;
ALTER TABLE subscription_charges DROP COLUMN refunded_minor;
