-- +goose Up
-- Payments booked on items of the «Платежи компании» smart process (issue 16): one row per
-- (item, payment date) and per (item, count), so a repeated or replayed event books nothing twice.
-- Amounts in minor units; dates YYYY-MM-DD. remaining/paid_total/seq are the item's state after this
-- payment; anchor and anchor_seq fix the date rule (next date = anchor + (seq - anchor_seq) periods).
CREATE TABLE company_payment_bookings (
    id               BIGSERIAL PRIMARY KEY,
    member_id        TEXT    NOT NULL,
    item_id          BIGINT  NOT NULL,
    pay_date         TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    anchor           TEXT    NOT NULL,
    anchor_seq       INTEGER NOT NULL,
    company_id       BIGINT  NOT NULL DEFAULT 0,
    contract         TEXT    NOT NULL DEFAULT '',
    currency         TEXT    NOT NULL,
    amount_minor     BIGINT  NOT NULL,
    interest_minor   BIGINT  NOT NULL,
    principal_minor  BIGINT  NOT NULL,
    excess_minor     BIGINT  NOT NULL,
    remaining_minor  BIGINT  NOT NULL,
    paid_total_minor BIGINT  NOT NULL,
    next_date        TEXT    NOT NULL DEFAULT '',
    closed           BOOLEAN NOT NULL,
    booked_by        BIGINT  NOT NULL DEFAULT 0,
    booked_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX company_payment_bookings_date ON company_payment_bookings (member_id, item_id, pay_date);
CREATE UNIQUE INDEX company_payment_bookings_seq ON company_payment_bookings (member_id, item_id, seq);
CREATE INDEX company_payment_bookings_paid ON company_payment_bookings (member_id, pay_date);

-- +goose Down
DROP TABLE company_payment_bookings;
