-- Interoperability runs through the broker (issue 14): each target meter is a meter job (command interop-probe)
-- executed by whichever replica holds the meter's partition. A cancel asks (CANCELLING); the meters' jobs then
-- settle their rows as CANCELLED, and the run ends when no row is PENDING. published_at: every job of the run was
-- confirmed by the broker (a sweep publishes the PENDING rows of runs without it again); capture: the runs' pcap
-- flag, needed to publish again.
ALTER TABLE interop_run DROP CONSTRAINT interop_run_status_check;
ALTER TABLE interop_run ADD CONSTRAINT interop_run_status_check
    CHECK (status IN ('RUNNING', 'CANCELLING', 'DONE', 'CANCELLED'));
ALTER TABLE interop_run ADD COLUMN capture BOOLEAN NOT NULL DEFAULT false,
                        ADD COLUMN published_at TIMESTAMPTZ;
-- runs that ended before this migration need nothing published; a RUNNING one ran in-process and is published now
UPDATE interop_run SET published_at = requested_at WHERE status <> 'RUNNING';
CREATE INDEX interop_result_pending ON interop_result (run_id) WHERE status = 'PENDING';
CREATE INDEX interop_run_unpublished ON interop_run (requested_at) WHERE published_at IS NULL;
