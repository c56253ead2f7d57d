-- Events written in the same transaction as the change they announce, published by OutboxRelay with broker
-- confirms, deleted only once confirmed: a broker outage delays an event, never loses it.
CREATE TABLE outbox (
    id           BIGSERIAL    PRIMARY KEY,
    routing_key  VARCHAR(64)  NOT NULL,
    payload      BYTEA        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
