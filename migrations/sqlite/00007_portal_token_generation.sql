-- +goose Up
-- Each install and uninstall bumps the generation; tab and admin tokens carry the generation they
-- were signed under, so every earlier token dies at once.
ALTER TABLE portals ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE portals DROP COLUMN token_generation;
