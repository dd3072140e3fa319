-- +goose Up
-- PostgreSQL only (a claim function planned without bitmap and sequential scans); SQLite's planner
-- takes the outbox_pending index by its shape. Nothing to do here.
SELECT 1;

-- +goose Down
SELECT 1;
