-- +goose Up
-- The client cabinet's profile history (issue 15): every change of an account's profile, made by
-- the client in the cabinet or by a manager on the Bitrix24 card, with both values; a conflict
-- (both changed) keeps the most recent change and records the other one as not applied.
ALTER TABLE cabinet_accounts ADD COLUMN profile_edited_at DATETIME; -- the client's last own edit

CREATE TABLE cabinet_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   TEXT   NOT NULL,
    account_id  BIGINT NOT NULL,
    source      TEXT   NOT NULL, -- cabinet | bitrix24
    field       TEXT   NOT NULL,
    old_value   TEXT   NOT NULL DEFAULT '',
    new_value   TEXT   NOT NULL DEFAULT '',
    applied     BOOLEAN NOT NULL, -- false: a conflict lost to a more recent change
    at          DATETIME NOT NULL
);
CREATE INDEX cabinet_changes_account ON cabinet_changes (account_id, at);

-- +goose Down
DROP TABLE cabinet_changes;
ALTER TABLE cabinet_accounts DROP COLUMN profile_edited_at;
