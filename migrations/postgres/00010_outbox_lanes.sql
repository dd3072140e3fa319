-- +goose Up
-- Lanes: 0 = interactive (a push from the tab), 1 = bulk (events, re-sync). Claims take lane 0 first.
ALTER TABLE outbox ADD COLUMN lane SMALLINT NOT NULL DEFAULT 0;
-- The claim reads only these two partial indexes: due pending rows in lane order, expired leases.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (lane, run_at, id) WHERE status = 'pending';
CREATE INDEX outbox_running ON outbox (lease_until) WHERE status = 'running';

-- +goose Down
DROP INDEX outbox_running;
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (status, run_at);
ALTER TABLE outbox DROP COLUMN lane;
