-- The result of every executed meter job, recorded as soon as the meter answered and before the job's message is
-- acked. A job redelivered after a crash (kill -9, a lost node) is answered from here, without a second session
-- with the meter. Kept for hes.results.retention (a day by default), far longer than any redelivery takes.
CREATE TABLE job_result (
    job_id       VARCHAR(160) PRIMARY KEY,
    result       BYTEA        NOT NULL,
    done_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX job_result_done_at ON job_result (done_at);
