-- Schedules (issue 12): a meter group read at an interval or by a cron expression. Fired by whichever replica
-- claims the row first (SELECT ... FOR UPDATE SKIP LOCKED in the transaction that creates the batch and moves
-- next_fire on), so a due schedule fires once across replicas; after downtime a schedule fires once, not once per
-- missed period (see README "Schedules").
CREATE TABLE schedule (
    schedule_id     UUID         PRIMARY KEY,
    name            VARCHAR(128) NOT NULL,
    group_vendor    VARCHAR(64),
    group_meters    TEXT[],
    job_kind        VARCHAR(64)  NOT NULL,
    job_parameters  JSONB        NOT NULL,
    every_seconds   INTEGER,
    cron            VARCHAR(128),
    time_zone       VARCHAR(64)  NOT NULL DEFAULT 'UTC',
    enabled         BOOLEAN      NOT NULL DEFAULT true,
    next_fire       TIMESTAMPTZ  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK ((group_vendor IS NULL) <> (group_meters IS NULL)),
    CHECK ((every_seconds IS NULL) <> (cron IS NULL))
);
CREATE INDEX schedule_due_idx ON schedule (next_fire) WHERE enabled;

-- Every fire: when it was due, when it ran, by which replica, and the batch it created (or why none).
CREATE TABLE schedule_fire (
    schedule_id  UUID         NOT NULL REFERENCES schedule (schedule_id) ON DELETE CASCADE,
    due_at       TIMESTAMPTZ  NOT NULL,
    fired_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    trigger      VARCHAR(16)  NOT NULL,
    outcome      VARCHAR(16)  NOT NULL,
    batch_id     UUID,
    detail       TEXT,
    replica      VARCHAR(128) NOT NULL,
    PRIMARY KEY (schedule_id, due_at, trigger)
);
CREATE INDEX schedule_fire_recent_idx ON schedule_fire (schedule_id, fired_at DESC);
