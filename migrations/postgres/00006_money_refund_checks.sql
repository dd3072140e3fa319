-- +goose Up
-- Refunds are reconciled like payments: a pending refund has a next check time and keeps its reason
-- so it can be sent again with the same refund id.
ALTER TABLE refunds ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN next_check_at TIMESTAMPTZ;
CREATE INDEX refunds_check ON refunds (status, next_check_at);
CREATE INDEX payments_next_check ON payments (next_check_at);
CREATE INDEX payment_notifications_review ON payment_notifications (status, received_at);

-- +goose Down
DROP INDEX payment_notifications_review;
DROP INDEX payments_next_check;
DROP INDEX refunds_check;
ALTER TABLE refunds DROP COLUMN next_check_at;
ALTER TABLE refunds DROP COLUMN check_attempts;
ALTER TABLE refunds DROP COLUMN reason;
