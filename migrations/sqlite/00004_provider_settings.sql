-- +goose Up
CREATE TABLE provider_settings (
    member_id   TEXT   NOT NULL,
    provider    TEXT   NOT NULL,
    sealed      TEXT   NOT NULL,
    updated_by  BIGINT NOT NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (member_id, provider)
);

-- +goose Down
DROP TABLE provider_settings;
