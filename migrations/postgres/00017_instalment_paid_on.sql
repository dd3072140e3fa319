-- +goose Up
-- The portal day an instalment was paid in full (issue 16, «share paid on time»): the date of the
-- payment (provider or manual in Bitrix24) that completed it; '' while it is not paid in full.
-- Instalments paid before this column existed keep '' (the stored rows do not say which payment
-- completed them) and are left out of the on-time share.
ALTER TABLE instalments ADD COLUMN paid_on TEXT NOT NULL DEFAULT '';

-- The finance figures read instalments per portal and due date without the status in front.
CREATE INDEX instalments_member_due ON instalments (member_id, due) INCLUDE (schedule_id, amount_minor, paid_minor, status, paid_on);

-- +goose Down
DROP INDEX instalments_member_due;
ALTER TABLE instalments DROP COLUMN paid_on;
