-- A batch is answered (202) once stored; its jobs are published afterwards. published_at is set when the broker
-- confirmed every job of the batch; a batch left unpublished (broker down, crash) is published again by the sweeper.
ALTER TABLE read_batch ADD COLUMN published_at TIMESTAMPTZ;
UPDATE read_batch SET published_at = created_at;
CREATE INDEX read_batch_unpublished_idx ON read_batch (created_at) WHERE published_at IS NULL;
