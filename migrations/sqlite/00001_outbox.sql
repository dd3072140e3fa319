-- +goose Up
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id    TEXT     NOT NULL DEFAULT '',
    topic        TEXT     NOT NULL,
    dedup_key    TEXT,
    payload      TEXT     NOT NULL,
    status       TEXT     NOT NULL DEFAULT 'pending',
    attempts     INTEGER  NOT NULL DEFAULT 0,
    max_attempts INTEGER  NOT NULL,
    run_at       DATETIME NOT NULL,
    lease_until  DATETIME,
    leased_by    TEXT     NOT NULL DEFAULT '',
    last_error   TEXT     NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    done_at      DATETIME,
    CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'running', 'done', 'dead'))
);
CREATE UNIQUE INDEX outbox_dedup_key ON outbox (dedup_key);
CREATE INDEX outbox_due ON outbox (status, run_at);

-- +goose Down
DROP TABLE outbox;
