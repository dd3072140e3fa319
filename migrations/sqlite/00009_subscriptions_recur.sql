-- +goose Up
CREATE TABLE subscriptions (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id             TEXT    NOT NULL REFERENCES portals (member_id),
    client_id             BIGINT  NOT NULL REFERENCES clients (id),
    deal_id               BIGINT  NOT NULL DEFAULT 0,
    manager_id            BIGINT  NOT NULL DEFAULT 0,
    title                 TEXT    NOT NULL,
    email                 TEXT    NOT NULL DEFAULT '',
    amount_minor          BIGINT  NOT NULL,
    first_amount_minor    BIGINT,
    currency              TEXT    NOT NULL,
    period_unit           TEXT    NOT NULL,
    period_every          INTEGER NOT NULL,
    anchor                TEXT    NOT NULL,
    end_kind              TEXT    NOT NULL,
    end_count             INTEGER NOT NULL DEFAULT 0,
    end_date              TEXT    NOT NULL DEFAULT '',
    route                 TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    seq                   INTEGER NOT NULL DEFAULT 0,
    next_charge_on        TEXT    NOT NULL,
    paid_count            INTEGER NOT NULL DEFAULT 0,
    paid_minor            BIGINT  NOT NULL DEFAULT 0,
    payment_method_id     TEXT    NOT NULL DEFAULT '',
    card_title            TEXT    NOT NULL DEFAULT '',
    pause_from            TEXT    NOT NULL DEFAULT '',
    pause_until           TEXT    NOT NULL DEFAULT '',
    cancel_at_period_end  BOOLEAN NOT NULL DEFAULT FALSE,
    dunning_step          INTEGER NOT NULL DEFAULT 0,
    pay_token             TEXT    NOT NULL,
    b24_item_id           BIGINT  NOT NULL DEFAULT 0,
    lease_until           DATETIME,
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    ended_at              DATETIME,
    CONSTRAINT subscriptions_status_check CHECK (status IN ('awaiting_consent', 'active', 'past_due', 'paused',
        'suspended', 'cancelled', 'ended')),
    CONSTRAINT subscriptions_period_check CHECK (period_unit IN ('day', 'week', 'month', 'quarter', 'halfyear', 'year')
        AND period_every >= 1),
    CONSTRAINT subscriptions_end_check CHECK (end_kind IN ('open', 'count', 'date')),
    CONSTRAINT subscriptions_route_check CHECK (route IN ('card', 'sbp', 'invoicebox')),
    CONSTRAINT subscriptions_money_check CHECK (amount_minor > 0 AND (first_amount_minor IS NULL OR first_amount_minor > 0)
        AND paid_minor >= 0 AND paid_count >= 0)
);
CREATE UNIQUE INDEX subscriptions_pay_token ON subscriptions (pay_token);
CREATE INDEX subscriptions_due ON subscriptions (status, next_charge_on);
CREATE INDEX subscriptions_client ON subscriptions (member_id, client_id);

CREATE TABLE subscription_consents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id),
    member_id        TEXT   NOT NULL,
    text_version     TEXT   NOT NULL,
    accepted_at      DATETIME NOT NULL,
    ip               TEXT   NOT NULL,
    user_agent       TEXT   NOT NULL,
    terms            TEXT   NOT NULL
);
CREATE INDEX subscription_consents_subscription ON subscription_consents (subscription_id);

CREATE TABLE subscription_charges (
    id               TEXT PRIMARY KEY,
    subscription_id  BIGINT  NOT NULL REFERENCES subscriptions (id),
    member_id        TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    period_start     TEXT    NOT NULL,
    amount_minor     BIGINT  NOT NULL,
    currency         TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempt          INTEGER NOT NULL DEFAULT 1,
    customer_initiated BOOLEAN NOT NULL DEFAULT FALSE,
    provider_ref     TEXT    NOT NULL DEFAULT '',
    pay_url          TEXT    NOT NULL DEFAULT '',
    decline_reason   TEXT    NOT NULL DEFAULT '',
    next_attempt_on  TEXT    NOT NULL DEFAULT '',
    attempted_at     DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    settled_at       DATETIME,
    CONSTRAINT subscription_charges_kind_check CHECK (kind IN ('first', 'recurring')),
    CONSTRAINT subscription_charges_status_check CHECK (status IN ('pending', 'unknown', 'succeeded', 'failed',
        'declined', 'void')),
    CONSTRAINT subscription_charges_amount_check CHECK (amount_minor > 0 AND attempt >= 1)
);
CREATE UNIQUE INDEX subscription_charges_period ON subscription_charges (subscription_id, period_start);

-- +goose Down
DROP TABLE subscription_charges;
DROP TABLE subscription_consents;
DROP TABLE subscriptions;
