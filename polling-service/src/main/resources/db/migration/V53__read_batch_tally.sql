-- Issue 15: a batch's progress (GET /reads/{id}, its event stream) counted from read_job on every request was the
-- largest PostgreSQL cost of a 100,000-meter read (a client polling every 100 ms scanned the batch's jobs ten times a
-- second). The statement that moves jobs out of PENDING now adds them here, by status, failure class and association,
-- in the same transaction; progress reads a handful of rows. '' stands for none (a key column cannot be null).
CREATE TABLE read_batch_tally (
    batch_id       UUID          NOT NULL REFERENCES read_batch (batch_id),
    status         VARCHAR(16)   NOT NULL,
    failure_class  VARCHAR(16)   NOT NULL,
    association    VARCHAR(256)  NOT NULL,
    n              BIGINT        NOT NULL,
    last           TIMESTAMPTZ,
    PRIMARY KEY (batch_id, status, failure_class, association)
);

-- the batches stored before: their tally from their jobs
INSERT INTO read_batch_tally (batch_id, status, failure_class, association, n, last)
SELECT batch_id, status, coalesce(failure_class, ''), coalesce(association, ''), count(*), max(completed_at)
FROM read_job WHERE status <> 'PENDING' GROUP BY 1, 2, 3, 4;
