-- +goose Up
-- Issue 15: a client switches a subscription to another payment route by paying the next (or the
-- owed) period's charge on the new route. route is the route a charge's current attempt is paid
-- on: the subscription's own, or the target of a switch; return_url is where a customer-initiated
-- attempt sends the client back (the cabinet or the subscription's page), kept so a repeat of the
-- attempt sends the provider the same request.
ALTER TABLE subscription_charges ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_charges ADD COLUMN return_url TEXT NOT NULL DEFAULT '';
UPDATE subscription_charges SET route = (SELECT s.route FROM subscriptions s WHERE s.id = subscription_charges.subscription_id);

-- +goose Down
ALTER TABLE subscription_charges DROP COLUMN return_url;
ALTER TABLE subscription_charges DROP COLUMN route;
