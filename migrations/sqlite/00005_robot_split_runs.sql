-- +goose Up
-- One row per business-process robot call (or tab request) that splits an invoice: the unique
-- (member_id, event_token) makes a repeated delivery of the same call a no-op.
CREATE TABLE split_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id    TEXT    NOT NULL REFERENCES portals (member_id),
    event_token  TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    document     TEXT    NOT NULL,
    input        TEXT    NOT NULL,
    invoice_id   BIGINT  NOT NULL DEFAULT 0,
    snapshot     TEXT    NOT NULL DEFAULT '',
    part_ids     TEXT    NOT NULL DEFAULT '',
    commented    BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT    NOT NULL,
    error        TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT  NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    CONSTRAINT split_runs_source_check CHECK (source IN ('robot', 'tab')),
    CONSTRAINT split_runs_status_check CHECK (status IN ('pending', 'done', 'failed'))
);
CREATE UNIQUE INDEX split_runs_token ON split_runs (member_id, event_token);

-- +goose Down
DROP TABLE split_runs;
