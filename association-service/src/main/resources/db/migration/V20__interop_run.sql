-- Interoperability runs (POST /interop/runs): the run, and one row per target meter holding that meter's verdict
-- over the plan (interop-core's JSON: every case with verdict, reason, class, code, facts and evidence).
CREATE TABLE interop_run (
    run_id        UUID         PRIMARY KEY,
    status        VARCHAR(16)  NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'CANCELLED')),
    cases         TEXT         NOT NULL,            -- the case ids run, comma-separated, in plan order
    allow_writes  BOOLEAN      NOT NULL,
    selection     TEXT         NOT NULL,            -- how the targets were chosen (meter ids, vendor filter), as JSON
    targets       INTEGER      NOT NULL,
    requested_by  VARCHAR(128) NOT NULL,
    requested_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ
);

CREATE TABLE interop_result (
    run_id        UUID         NOT NULL REFERENCES interop_run (run_id) ON DELETE CASCADE,
    meter_id      VARCHAR(64)  NOT NULL,
    vendor        VARCHAR(64),
    status        VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'DONE', 'CANCELLED')),
    verdict       VARCHAR(8)   CHECK (verdict IN ('PASS', 'FAIL', 'SKIPPED')),
    passed        INTEGER,
    failed        INTEGER,
    skipped       INTEGER,
    result        TEXT,
    completed_at  TIMESTAMPTZ,
    PRIMARY KEY (run_id, meter_id)
);
