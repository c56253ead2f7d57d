-- Offline marking (MeterConnectivity): set when a meter's jobs failed for NETWORK reasons as often and as long as
-- hes.offline.* says, cleared at its next job that reached it; each change also goes to the outbox as an event.
ALTER TABLE meter ADD COLUMN offline_since TIMESTAMPTZ,
                  ADD COLUMN offline_failures INTEGER,
                  ADD COLUMN offline_reason TEXT;
CREATE INDEX meter_offline_idx ON meter (meter_id) WHERE offline_since IS NOT NULL;
