-- Load profiles (issue 12). A profile read is a read batch like any other (read_batch/read_job, progress at
-- GET /reads/{id}); what each job reads is kept in profile_job so a batch left unpublished is published again as it was.
CREATE TABLE profile_job (
    job_id      VARCHAR(160) PRIMARY KEY REFERENCES read_job (job_id),
    meter_id    VARCHAR(64)  NOT NULL,
    profile     VARCHAR(32)  NOT NULL,
    range_from  TIMESTAMPTZ  NOT NULL,
    range_to    TIMESTAMPTZ  NOT NULL,
    backfill    BOOLEAN      NOT NULL DEFAULT false
);
CREATE INDEX profile_job_meter_idx ON profile_job (meter_id, profile);
CREATE INDEX read_job_pending_idx ON read_job (meter_id) WHERE status = 'PENDING';

-- What each meter declared about each profile it was read for (capture period, channels), and which capture times
-- it was asked for (covered_from..covered_to, [from, to)): gaps are looked for there.
CREATE TABLE meter_profile (
    meter_id          VARCHAR(64)  NOT NULL,
    profile           VARCHAR(32)  NOT NULL,
    capture_period_s  INTEGER,
    channels          TEXT,
    covered_from      TIMESTAMPTZ  NOT NULL,
    covered_to        TIMESTAMPTZ  NOT NULL,
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, profile)
);

-- One row per (meter, profile, capture time, channel): an interval read twice is stored once (ON CONFLICT DO
-- NOTHING). Range-partitioned by day on the capture time: 100,000 meters x 96 intervals is 9.6 M rows a day, one
-- partition a day keeps each index small, lets a day's KPI scan one partition and retention DROP a whole day.
-- value = raw x 10^scaler (message-contracts Scaling, computed once); unit as the DLMS standard names it (Wh).
CREATE TABLE profile_interval (
    meter_id     VARCHAR(64)  NOT NULL,
    profile      VARCHAR(32)  NOT NULL,
    captured_at  TIMESTAMPTZ  NOT NULL,
    channel      VARCHAR(40)  NOT NULL,
    value        NUMERIC,
    raw          NUMERIC,
    scaler       SMALLINT     NOT NULL,
    unit         VARCHAR(16),
    status       BIGINT,
    PRIMARY KEY (meter_id, profile, captured_at, channel)
) PARTITION BY RANGE (captured_at);

-- The partition of one UTC day, created when missing (ahead by the maintenance job, on demand by the ingest);
-- safe when two callers race.
CREATE FUNCTION ensure_interval_partition(day DATE) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    name TEXT := 'profile_interval_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass('polling.' || name) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE polling.%I PARTITION OF polling.profile_interval FOR VALUES FROM (%L) TO (%L)',
                   name, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
EXCEPTION WHEN duplicate_table THEN
    NULL;
END $$;

-- Drops the partitions of days before keep_from; returns how many.
CREATE FUNCTION drop_interval_partitions_before(keep_from DATE) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    part RECORD;
    dropped INTEGER := 0;
BEGIN
    FOR part IN SELECT c.relname FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE n.nspname = 'polling' AND p.relname = 'profile_interval'
                  AND c.relname ~ '^profile_interval_[0-9]{8}$'
                  AND to_date(substring(c.relname FROM '[0-9]{8}$'), 'YYYYMMDD') < keep_from LOOP
        EXECUTE format('DROP TABLE polling.%I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END $$;

SELECT ensure_interval_partition((now() AT TIME ZONE 'UTC')::date + d) FROM generate_series(-1, 7) AS d;

-- Backfill of gaps: one row per gap (meter, profile, first missing capture time), attempts bounded.
CREATE TABLE backfill_attempt (
    meter_id        VARCHAR(64)  NOT NULL,
    profile         VARCHAR(32)  NOT NULL,
    gap_from        TIMESTAMPTZ  NOT NULL,
    gap_to          TIMESTAMPTZ  NOT NULL,
    attempts        INTEGER      NOT NULL,
    last_job_id     VARCHAR(160) NOT NULL,
    last_attempt_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (meter_id, profile, gap_from)
);

-- Backfill bookkeeping: a meter's profile is looked at again for gaps once something changed since checked_at.
ALTER TABLE meter_profile ADD COLUMN checked_at TIMESTAMPTZ;
ALTER TABLE backfill_attempt ADD COLUMN filled_at TIMESTAMPTZ;
