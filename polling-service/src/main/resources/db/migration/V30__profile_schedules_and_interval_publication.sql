-- Issue 12, second part.
-- The newest capture time stored per meter profile: a profile schedule reads each meter from there on.
ALTER TABLE meter_profile ADD COLUMN last_captured_at TIMESTAMPTZ;
UPDATE meter_profile mp SET last_captured_at = (SELECT max(i.captured_at) FROM profile_interval i
                                                WHERE i.meter_id = mp.meter_id AND i.profile = mp.profile);

-- What a profile read request asked for (profile, range, meters or all), to tell a repeat under an Idempotency-Key
-- from another request under the same key; null for register reads (their registers column says it).
ALTER TABLE read_batch ADD COLUMN request TEXT;

-- Load-profile intervals are published to MDMS too (kind INTERVAL): their dedup key names the profile.
ALTER TABLE mdms_outbox ADD COLUMN profile VARCHAR(32);
-- an interval channel whose object declares no unit is published without one
ALTER TABLE mdms_outbox ALTER COLUMN unit DROP NOT NULL;
