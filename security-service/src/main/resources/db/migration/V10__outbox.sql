-- Security events (SecurityProfileChanged) written in the same transaction as the profile change, published by service-commons'
-- OutboxRelay with broker confirms and deleted once confirmed: a broker away at that moment delays an event, never
-- loses it (the same table as every service's outbox: OutboxTable.DDL).
CREATE TABLE outbox (
    id           BIGSERIAL    PRIMARY KEY,
    routing_key  VARCHAR(64)  NOT NULL,
    payload      BYTEA        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
