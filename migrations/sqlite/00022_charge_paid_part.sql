-- +goose Up
-- What was paid of a subscription charge (issue 13). An invoice may be paid in part: the charge
-- keeps the money booked on it, and the period is paid once that reaches its amount. A charge
-- paid before this column existed was paid in full.
ALTER TABLE subscription_charges ADD COLUMN paid_minor BIGINT NOT NULL DEFAULT 0 CHECK (paid_minor >= 0);
UPDATE subscription_charges SET paid_minor = amount_minor WHERE status = 'succeeded';

-- +goose Down
ALTER TABLE subscription_charges DROP COLUMN paid_minor;
