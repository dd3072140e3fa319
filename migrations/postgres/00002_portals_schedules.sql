-- +goose Up
CREATE TABLE portals (
    member_id          TEXT PRIMARY KEY,
    domain             TEXT    NOT NULL,
    client_endpoint    TEXT    NOT NULL,
    server_endpoint    TEXT    NOT NULL,
    access_token       TEXT    NOT NULL DEFAULT '',
    refresh_token      TEXT    NOT NULL DEFAULT '',
    expires_at         TIMESTAMPTZ,
    application_token  TEXT    NOT NULL DEFAULT '',
    scope              TEXT    NOT NULL DEFAULT '',
    installed_by       BIGINT  NOT NULL DEFAULT 0,
    status             TEXT    NOT NULL,
    provisioning       TEXT    NOT NULL DEFAULT '{}',
    installed_at       TIMESTAMPTZ NOT NULL,
    uninstalled_at     TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL,
    CONSTRAINT portals_status_check CHECK (status IN ('installed', 'uninstalled'))
);

CREATE TABLE clients (
    id             BIGSERIAL PRIMARY KEY,
    member_id      TEXT   NOT NULL REFERENCES portals (member_id),
    entity_type    TEXT   NOT NULL,
    b24_id         BIGINT NOT NULL,
    name           TEXT   NOT NULL DEFAULT '',
    inn            TEXT   NOT NULL DEFAULT '',
    kpp            TEXT   NOT NULL DEFAULT '',
    legal_address  TEXT   NOT NULL DEFAULT '',
    email          TEXT   NOT NULL DEFAULT '',
    phone          TEXT   NOT NULL DEFAULT '',
    updated_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT clients_entity_type_check CHECK (entity_type IN ('contact', 'company'))
);
CREATE UNIQUE INDEX clients_b24 ON clients (member_id, entity_type, b24_id);

CREATE TABLE payment_schedules (
    id              BIGSERIAL PRIMARY KEY,
    member_id       TEXT   NOT NULL REFERENCES portals (member_id),
    owner_type      TEXT   NOT NULL,
    owner_id        BIGINT NOT NULL,
    title           TEXT   NOT NULL DEFAULT '',
    client_id       BIGINT REFERENCES clients (id),
    responsible_id  BIGINT NOT NULL DEFAULT 0,
    scheme          TEXT   NOT NULL,
    currency        TEXT   NOT NULL,
    total_minor     BIGINT NOT NULL,
    overpaid_minor  BIGINT NOT NULL DEFAULT 0,
    plan            TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    created_by      BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    deleted_at      TIMESTAMPTZ,
    CONSTRAINT payment_schedules_owner_check CHECK (owner_type IN ('deal', 'lead')),
    CONSTRAINT payment_schedules_status_check CHECK (status IN ('active', 'deleted'))
);
CREATE UNIQUE INDEX payment_schedules_one_active ON payment_schedules (member_id, owner_type, owner_id) WHERE status = 'active';

CREATE TABLE instalments (
    id                   BIGSERIAL PRIMARY KEY,
    schedule_id          BIGINT NOT NULL REFERENCES payment_schedules (id),
    member_id            TEXT   NOT NULL,
    seq                  INTEGER NOT NULL,
    kind                 TEXT   NOT NULL,
    due                  TEXT   NOT NULL,
    amount_minor         BIGINT NOT NULL,
    paid_minor           BIGINT NOT NULL DEFAULT 0,
    principal_minor      BIGINT NOT NULL DEFAULT 0,
    interest_minor       BIGINT NOT NULL DEFAULT 0,
    status               TEXT   NOT NULL,
    b24_item_id          BIGINT,
    b24_sync             TEXT   NOT NULL DEFAULT 'pending',
    b24_error            TEXT   NOT NULL DEFAULT '',
    b24_written          TEXT   NOT NULL DEFAULT '',
    invoice_id           BIGINT,
    reminded_at          TIMESTAMPTZ,
    overdue_notified_at  TIMESTAMPTZ,
    updated_at           TIMESTAMPTZ NOT NULL,
    CONSTRAINT instalments_amount_check CHECK (amount_minor > 0 AND paid_minor >= 0 AND paid_minor <= amount_minor),
    CONSTRAINT instalments_status_check CHECK (status IN ('planned', 'invoiced', 'partly_paid', 'paid', 'overdue', 'cancelled')),
    CONSTRAINT instalments_sync_check CHECK (b24_sync IN ('pending', 'synced', 'failed'))
);
CREATE UNIQUE INDEX instalments_seq ON instalments (schedule_id, seq);
CREATE INDEX instalments_due ON instalments (member_id, status, due);
CREATE UNIQUE INDEX instalments_b24_item ON instalments (member_id, b24_item_id);

CREATE TABLE schedule_changes (
    id           BIGSERIAL PRIMARY KEY,
    schedule_id  BIGINT NOT NULL REFERENCES payment_schedules (id),
    member_id    TEXT   NOT NULL,
    actor_id     BIGINT NOT NULL DEFAULT 0,
    actor        TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    detail       TEXT   NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX schedule_changes_schedule ON schedule_changes (schedule_id, id);

-- +goose Down
DROP TABLE schedule_changes;
DROP TABLE instalments;
DROP TABLE payment_schedules;
DROP TABLE clients;
DROP TABLE portals;
