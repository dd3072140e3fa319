-- +goose Up
-- Government decree transfers of days off that a portal's administrator entered (issue 21): the day
-- off of from_date (a Saturday or Sunday) moves to to_date (a weekday). Dates are YYYY-MM-DD.
CREATE TABLE holiday_transfers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   TEXT   NOT NULL,
    from_date   TEXT   NOT NULL,
    to_date     TEXT   NOT NULL,
    note        TEXT   NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX holiday_transfers_from ON holiday_transfers (member_id, from_date);
CREATE UNIQUE INDEX holiday_transfers_to ON holiday_transfers (member_id, to_date);

-- A due date moved to a working day keeps its nominal date and the reason for the tab.
ALTER TABLE instalments ADD COLUMN shifted_from TEXT NOT NULL DEFAULT '';
ALTER TABLE instalments ADD COLUMN shift_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE instalments DROP COLUMN shift_reason;
ALTER TABLE instalments DROP COLUMN shifted_from;
DROP TABLE holiday_transfers;
