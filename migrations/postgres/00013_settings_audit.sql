-- +goose Up
-- Who saved a portal's payment settings and when (issue 18, item 12): one row per save, with the
-- routes switched on after it. No secrets here.
CREATE TABLE settings_audit (
    id          BIGSERIAL PRIMARY KEY,
    member_id   TEXT   NOT NULL,
    user_id     BIGINT NOT NULL,
    user_name   TEXT   NOT NULL DEFAULT '',
    routes      TEXT   NOT NULL DEFAULT '',
    changed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX settings_audit_member ON settings_audit (member_id, changed_at);

-- +goose Down
DROP TABLE settings_audit;
