-- A read request (batch) fans out into one job per meter; results land in read_job and reading.
CREATE TABLE read_batch (
    batch_id         UUID         PRIMARY KEY,
    requested        INTEGER      NOT NULL,
    registers        TEXT         NOT NULL,
    idempotency_key  VARCHAR(128) UNIQUE,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE read_job (
    job_id           VARCHAR(160) PRIMARY KEY,
    batch_id         UUID         NOT NULL REFERENCES read_batch (batch_id),
    meter_id         VARCHAR(64)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    failure_class    VARCHAR(16),
    failure_code     VARCHAR(16),
    failure_message  TEXT,
    completed_at     TIMESTAMPTZ
);
CREATE INDEX read_job_batch_status_idx ON read_job (batch_id, status);

-- One row per register value per meter timestamp: a redelivered result inserts nothing new.
CREATE TABLE reading (
    meter_id     VARCHAR(64)  NOT NULL,
    obis         VARCHAR(32)  NOT NULL,
    meter_time   TIMESTAMPTZ  NOT NULL,
    value        NUMERIC      NOT NULL,
    raw          NUMERIC      NOT NULL,
    scaler       INTEGER      NOT NULL,
    unit         VARCHAR(32)  NOT NULL,
    job_id       VARCHAR(160) NOT NULL,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, obis, meter_time)
);
