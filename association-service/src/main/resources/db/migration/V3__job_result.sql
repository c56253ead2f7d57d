-- The result of every executed meter job, recorded as soon as the meter answered and before the job's message is
-- acked. A job redelivered after a crash (kill -9, a lost node) is answered from here, without a second session
-- with the meter. Kept for hes.results.retention (a day by default), far longer than any redelivery takes.
-- UNLOGGED: written once per read, it must cost no WAL. It survives a clean PostgreSQL restart and is emptied by a
-- PostgreSQL crash, after which a job redelivered in that moment is read from its meter again (reads are
-- idempotent). BRIN on done_at: rows arrive in time order, the hourly purge finds old ones at almost no upkeep.
CREATE UNLOGGED TABLE job_result (
    job_id       VARCHAR(160) PRIMARY KEY,
    result       BYTEA        NOT NULL,
    done_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX job_result_done_at ON job_result USING brin (done_at);
