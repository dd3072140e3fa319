-- +goose Up
-- Every «Платежи компании» item as last read from Bitrix24 or left by our booking (issue 16), so the
-- payment calendar lists every contract, also those never paid yet. Amounts in minor units.
CREATE TABLE company_payment_items (
    member_id       TEXT    NOT NULL,
    item_id         BIGINT  NOT NULL,
    company_id      BIGINT  NOT NULL DEFAULT 0,
    contract        TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL,
    amount_minor    BIGINT  NOT NULL,
    pay_date        TEXT    NOT NULL DEFAULT '',
    stage           TEXT    NOT NULL DEFAULT '',
    assigned_by     BIGINT  NOT NULL DEFAULT 0,
    remaining_minor BIGINT  NOT NULL,
    closed          BOOLEAN NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, item_id)
);
CREATE INDEX company_payment_items_date ON company_payment_items (member_id, pay_date);

-- One reminder per item and payment date, however often the pass runs and on however many replicas.
CREATE TABLE company_payment_reminders (
    member_id  TEXT   NOT NULL,
    item_id    BIGINT NOT NULL,
    pay_date   TEXT   NOT NULL,
    user_id    BIGINT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, item_id, pay_date)
);

-- Who besides the portal's admins may open the finance pages: Bitrix24 users and departments;
-- own_only: they see only the deals and contracts they are responsible for.
CREATE TABLE finance_roles (
    member_id  TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    ref_id     BIGINT NOT NULL,
    own_only   BOOLEAN NOT NULL DEFAULT FALSE,
    granted_by BIGINT NOT NULL DEFAULT 0,
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, kind, ref_id),
    CONSTRAINT finance_roles_kind_check CHECK (kind IN ('user', 'department'))
);

-- +goose Down
DROP TABLE finance_roles;
DROP TABLE company_payment_reminders;
DROP TABLE company_payment_items;
