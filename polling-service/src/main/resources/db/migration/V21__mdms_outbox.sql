-- MDMS publication (issue 12): every reading stored is written here, once per channel, in the same statement and
-- transaction that stores it; each channel's relay publishes its rows with confirms (RabbitMQ) or PUBACKs (MQTT
-- QoS 1) and deletes them only then. kind = REGISTER today; INTERVAL (load profiles) is published the same way.
CREATE TABLE mdms_outbox (
    id            BIGSERIAL    PRIMARY KEY,
    channel       VARCHAR(16)  NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    meter_id      VARCHAR(64)  NOT NULL,
    obis          VARCHAR(32)  NOT NULL,
    capture_time  TIMESTAMPTZ  NOT NULL,
    value         NUMERIC      NOT NULL,
    raw           NUMERIC      NOT NULL,
    scaler        INTEGER      NOT NULL,
    unit          VARCHAR(32)  NOT NULL,
    status        VARCHAR(32),
    source        VARCHAR(160) NOT NULL,
    stored_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX mdms_outbox_channel_idx ON mdms_outbox (channel, id);
