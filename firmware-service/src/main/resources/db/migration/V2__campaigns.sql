-- Which devices an image is for: vendor = the manufacturer's 3-letter FLAG id (what a meter's logical device name
-- 0.0.42.0.0.255 starts with), model = the registry's device type (meter_registry.json "vendor", e.g. aurora-ax1).
ALTER TABLE firmware_image ADD COLUMN vendor varchar(64) NOT NULL DEFAULT '';
ALTER TABLE firmware_image ADD COLUMN model  varchar(64) NOT NULL DEFAULT '';

-- firmware-service's view of the meter registry, kept from association-service's registry events
-- (service-commons RegistryViewTable / RegistryViewConsumer).
CREATE TABLE meter (
    meter_id    varchar(64) PRIMARY KEY,
    vendor      varchar(64) NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE campaign (
    id               uuid         PRIMARY KEY,
    idempotency_key  varchar(128) UNIQUE,
    request_digest   varchar(64)  NOT NULL,
    image_id         uuid         NOT NULL REFERENCES firmware_image (id),
    state            varchar(16)  NOT NULL,           -- RUNNING, PAUSED, CANCELLED, DONE
    one_shot         boolean      NOT NULL,
    concurrency      int          NOT NULL,
    batch_size       int          NOT NULL,
    window_start     time,                            -- UTC; null: any time
    window_end       time,
    created_by       varchar(128),
    created_at       timestamptz  NOT NULL,
    finished_at      timestamptz
);

-- One row per targeted meter: the persisted state machine.
CREATE TABLE campaign_meter (
    campaign_id      uuid         NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    meter_id         varchar(64)  NOT NULL,
    state            varchar(16)  NOT NULL,
    job_id           varchar(200),                     -- the step's job awaiting a result; null: none sent
    attempt          int          NOT NULL DEFAULT 0,
    block_size       int,
    total_blocks     bigint,
    blocks_done      bigint       NOT NULL DEFAULT 0,
    next_block       bigint       NOT NULL DEFAULT 0,
    wire_bytes       bigint       NOT NULL DEFAULT 0,     -- image-transfer sessions' bytes on the wire, summed
    installed_before varchar(255),
    installed_after  varchar(255),
    failure_class    varchar(32),
    failure_code     varchar(32),
    message          text,
    updated_at       timestamptz  NOT NULL,
    PRIMARY KEY (campaign_id, meter_id)
);
CREATE INDEX campaign_meter_state ON campaign_meter (campaign_id, state);

-- The audit of every transition.
CREATE TABLE campaign_event (
    id           bigserial    PRIMARY KEY,
    campaign_id  uuid         NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    meter_id     varchar(64),
    at           timestamptz  NOT NULL,
    event        varchar(32)  NOT NULL,
    detail       text
);
CREATE INDEX campaign_event_campaign ON campaign_event (campaign_id, meter_id, id);
