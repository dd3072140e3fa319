-- +goose Up
-- Issue 13: the «B2B invoice each period» route. A subscription charge billed by Invoicebox is a
-- billing payable of kind 'subscription_invoice'; billing's payable ids are integers, so each such
-- charge gets one row here whose id is the payable id (created once, before its first order).
CREATE TABLE subscription_invoices (
    id               BIGSERIAL PRIMARY KEY,
    charge_id        TEXT   NOT NULL REFERENCES subscription_charges (id),
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id),
    member_id        TEXT   NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX subscription_invoices_charge ON subscription_invoices (charge_id);
CREATE INDEX subscription_invoices_subscription ON subscription_invoices (subscription_id);

-- +goose Down
DROP TABLE subscription_invoices;
