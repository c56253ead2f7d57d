-- A batch's admission priority (org.amihes.contracts.JobPriority), so the sweeper publishes a schedule's or backfill's
-- unpublished jobs again as SCHEDULED, not as on-demand work that association-service admits first.
ALTER TABLE read_batch ADD COLUMN priority text NOT NULL DEFAULT 'ON_DEMAND';
