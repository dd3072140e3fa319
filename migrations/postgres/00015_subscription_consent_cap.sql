-- +goose Up
-- Issue 13: we never charge beyond the consented terms. consented_minor is the largest amount per
-- period the client agreed to; a change of amount waits in next_amount_* until it takes effect
-- (from a later period) and, above the consented amount, until the client agrees again.
ALTER TABLE subscriptions ADD COLUMN consented_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_amount_minor BIGINT;
ALTER TABLE subscriptions ADD COLUMN next_amount_from_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_amount_consented BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_next_amount_check
    CHECK (next_amount_minor IS NULL OR next_amount_minor > 0);
UPDATE subscriptions SET consented_minor = GREATEST(amount_minor, COALESCE(first_amount_minor, 0))
 WHERE status <> 'awaiting_consent';

-- +goose Down
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_next_amount_check;
ALTER TABLE subscriptions DROP COLUMN next_amount_consented;
ALTER TABLE subscriptions DROP COLUMN next_amount_from_seq;
ALTER TABLE subscriptions DROP COLUMN next_amount_minor;
ALTER TABLE subscriptions DROP COLUMN consented_minor;
