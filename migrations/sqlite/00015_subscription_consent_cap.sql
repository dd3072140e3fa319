-- +goose Up
-- Issue 13: we never charge beyond the consented terms. consented_minor is the largest amount per
-- period the client agreed to; a change of amount waits in next_amount_* until it takes effect
-- (from a later period) and, above the consented amount, until the client agrees again.
ALTER TABLE subscriptions ADD COLUMN consented_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_amount_minor INTEGER CHECK (next_amount_minor IS NULL OR next_amount_minor > 0);
ALTER TABLE subscriptions ADD COLUMN next_amount_from_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_amount_consented BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE subscriptions SET consented_minor = MAX(amount_minor, COALESCE(first_amount_minor, 0))
 WHERE status <> 'awaiting_consent';

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN next_amount_consented;
ALTER TABLE subscriptions DROP COLUMN next_amount_from_seq;
ALTER TABLE subscriptions DROP COLUMN next_amount_minor;
ALTER TABLE subscriptions DROP COLUMN consented_minor;
