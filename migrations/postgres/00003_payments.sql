-- +goose Up
CREATE TABLE payments (
    id              TEXT PRIMARY KEY,
    member_id       TEXT    NOT NULL,
    payable_kind    TEXT    NOT NULL,
    payable_id      BIGINT  NOT NULL,
    provider        TEXT    NOT NULL,
    provider_ref    TEXT    NOT NULL DEFAULT '',
    amount_minor    BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    paid_minor      BIGINT  NOT NULL DEFAULT 0,
    refunded_minor  BIGINT  NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL,
    pay_url         TEXT    NOT NULL DEFAULT '',
    description     TEXT    NOT NULL DEFAULT '',
    pay_token       TEXT    NOT NULL,
    expires_at      TIMESTAMPTZ,
    last_error      TEXT    NOT NULL DEFAULT '',
    check_attempts  INTEGER NOT NULL DEFAULT 0,
    next_check_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    settled_at      TIMESTAMPTZ,
    CONSTRAINT payments_status_check CHECK (status IN ('pending', 'unknown', 'succeeded', 'failed', 'expired',
        'cancelled', 'partially_refunded', 'refunded')),
    CONSTRAINT payments_money_check CHECK (amount_minor > 0 AND paid_minor >= 0 AND refunded_minor >= 0
        AND refunded_minor <= paid_minor)
);
CREATE UNIQUE INDEX payments_one_open ON payments (payable_kind, payable_id) WHERE status IN ('pending', 'unknown');
CREATE UNIQUE INDEX payments_pay_token ON payments (pay_token);
CREATE INDEX payments_check ON payments (status, next_check_at);
CREATE INDEX payments_payable ON payments (member_id, payable_kind, payable_id);

CREATE TABLE payment_notifications (
    id            BIGSERIAL PRIMARY KEY,
    provider      TEXT    NOT NULL,
    dedup_key     TEXT,
    payment_id    TEXT    NOT NULL DEFAULT '',
    headers       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    result        TEXT    NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    received_at   TIMESTAMPTZ NOT NULL,
    processed_at  TIMESTAMPTZ,
    CONSTRAINT payment_notifications_status_check CHECK (status IN ('received', 'processed', 'rejected', 'failed'))
);
CREATE UNIQUE INDEX payment_notifications_dedup ON payment_notifications (provider, dedup_key);

CREATE TABLE refunds (
    id            TEXT PRIMARY KEY,
    payment_id    TEXT   NOT NULL REFERENCES payments (id),
    member_id     TEXT   NOT NULL,
    amount_minor  BIGINT NOT NULL,
    status        TEXT   NOT NULL,
    provider_ref  TEXT   NOT NULL DEFAULT '',
    last_error    TEXT   NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT refunds_amount_check CHECK (amount_minor > 0),
    CONSTRAINT refunds_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))
);
CREATE INDEX refunds_payment ON refunds (payment_id);

ALTER TABLE clients ADD COLUMN trusted BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE clients DROP COLUMN trusted;
DROP TABLE refunds;
DROP TABLE payment_notifications;
DROP TABLE payments;
