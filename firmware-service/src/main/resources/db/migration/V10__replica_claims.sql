-- Several firmware-service replicas on one campaign (CampaignEngine, CampaignStore): every job a replica sends is
-- claimed in this database first, so no two live replicas send a meter's step twice, and a replica that stops
-- hands its meters over once its heartbeat is older than hes.firmware.replica-lease.

-- The replica that sent the meter's current job (null: rows from before replicas, or none sent).
ALTER TABLE campaign_meter ADD COLUMN owner varchar(128);
-- Jobs sent for the meter, every step and every resend counted: steps + retries when no job was ever sent twice.
ALTER TABLE campaign_meter ADD COLUMN jobs_sent int NOT NULL DEFAULT 0;

-- Each live replica's heartbeat, written every tick.
CREATE TABLE replica (
    name     varchar(128) PRIMARY KEY,
    seen_at  timestamptz  NOT NULL
);

-- The in-flight rows a tick looks at, without scanning a campaign's finished meters.
CREATE INDEX campaign_meter_in_flight ON campaign_meter (campaign_id, owner)
    WHERE state IN ('READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING');
