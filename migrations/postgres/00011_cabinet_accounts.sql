-- +goose Up
-- The client cabinet (issue 15): accounts of a portal's clients, their sessions, one-time tokens
-- (e-mail verification, password reset, manager invitations) and throttled attempts.
CREATE TABLE cabinet_accounts (
    id               BIGSERIAL PRIMARY KEY,
    member_id      TEXT   NOT NULL,
    kind           TEXT   NOT NULL, -- person | ip | company
    name           TEXT   NOT NULL,
    email          TEXT   NOT NULL, -- lower case
    phone          TEXT   NOT NULL,
    inn            TEXT   NOT NULL DEFAULT '',
    kpp            TEXT   NOT NULL DEFAULT '',
    legal_name     TEXT   NOT NULL DEFAULT '',
    legal_address  TEXT   NOT NULL DEFAULT '',
    route          TEXT   NOT NULL DEFAULT '',
    reminders      BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash  TEXT   NOT NULL,
    verified_at    TIMESTAMPTZ,
    b24_type       TEXT   NOT NULL DEFAULT '', -- contact | company
    b24_id         BIGINT NOT NULL DEFAULT 0,
    b24_confirmed  BOOLEAN NOT NULL DEFAULT FALSE, -- matched by the verified e-mail, an invitation or created for it
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX cabinet_accounts_email ON cabinet_accounts (member_id, email);

CREATE TABLE cabinet_sessions (
    id_hash     TEXT   PRIMARY KEY, -- SHA-256 of the cookie value
    account_id  BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX cabinet_sessions_account ON cabinet_sessions (account_id);

CREATE TABLE cabinet_tokens (
    hash        TEXT   PRIMARY KEY, -- SHA-256 of the link's token
    member_id   TEXT   NOT NULL,
    purpose     TEXT   NOT NULL, -- verify | reset | invite
    account_id  BIGINT NOT NULL DEFAULT 0,
    b24_type    TEXT   NOT NULL DEFAULT '',
    b24_id      BIGINT NOT NULL DEFAULT 0,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE cabinet_attempts (
    id     BIGSERIAL PRIMARY KEY,
    bucket TEXT NOT NULL, -- e.g. signin-ip:203.0.113.5
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX cabinet_attempts_key ON cabinet_attempts (bucket, at);

-- +goose Down
DROP TABLE cabinet_attempts;
DROP TABLE cabinet_tokens;
DROP TABLE cabinet_sessions;
DROP TABLE cabinet_accounts;
