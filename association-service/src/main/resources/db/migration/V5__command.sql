-- Meter commands asked for over REST, one row per Idempotency-Key: the same key again answers this row (also after a
-- restart) and never reaches the meter a second time. The job goes through the broker like any meter job (one
-- association per meter, across replicas); its result is written back here.
CREATE TABLE command (
    idempotency_key  VARCHAR(128) PRIMARY KEY,
    meter_id         VARCHAR(64)  NOT NULL,
    command_type     VARCHAR(32)  NOT NULL,
    command          TEXT         NOT NULL,
    job_id           VARCHAR(200) NOT NULL UNIQUE,
    status           VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'OK', 'FAILED')),
    result           TEXT,
    requested_by     VARCHAR(128) NOT NULL,
    requested_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    published_at     TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ
);
CREATE INDEX command_unpublished_idx ON command (requested_at) WHERE published_at IS NULL;
