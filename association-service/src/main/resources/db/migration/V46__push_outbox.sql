-- Push events (MeterPushEvent) go through an outbox of their own, relayed to the events exchange by a second
-- OutboxRelay (the registry outbox's relay publishes to the registry exchange, and a storm of pushes must not delay
-- registry changes behind it). Written in batches by PushPublisher; the same table as every outbox (OutboxTable.DDL).
CREATE TABLE push_outbox (
    id           BIGSERIAL    PRIMARY KEY,
    routing_key  VARCHAR(64)  NOT NULL,
    payload      BYTEA        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
