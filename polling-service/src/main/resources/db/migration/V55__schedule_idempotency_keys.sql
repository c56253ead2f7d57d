-- Issue 16: POST /schedules and POST /schedules/{id}/run under an optional Idempotency-Key. A schedule keeps the key
-- it was created under and a fingerprint of that request (SHA-256 of its definition with the defaults filled in), to
-- answer a repeat with the schedule and another request under the key with 409 even after a PUT changed it; a manual
-- fire keeps the key it was asked under, so a repeat answers that fire and its batch. Deleting a schedule deletes its
-- key and its fires' keys with it.
ALTER TABLE schedule ADD COLUMN idempotency_key VARCHAR(128), ADD COLUMN idempotency_request CHAR(64);
CREATE UNIQUE INDEX schedule_idempotency_key_idx ON schedule (idempotency_key);

ALTER TABLE schedule_fire ADD COLUMN idempotency_key VARCHAR(128);
CREATE UNIQUE INDEX schedule_fire_idempotency_key_idx ON schedule_fire (idempotency_key);
