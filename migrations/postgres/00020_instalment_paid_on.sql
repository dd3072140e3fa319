-- +goose Up
-- The portal day an instalment was paid in full (issue 16, «share paid on time»): the date of the
-- payment (provider or manual in Bitrix24) that completed it; '' while it is not paid in full.
-- Instalments paid before this column existed keep '' (the stored rows do not say which payment
-- completed them) and are left out of the on-time share.
ALTER TABLE instalments ADD COLUMN paid_on TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE instalments DROP COLUMN paid_on;
