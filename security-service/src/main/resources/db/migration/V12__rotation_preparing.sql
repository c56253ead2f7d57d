-- A rotation is answered once its meters are listed (PREPARING, version 0 until made); RotationPreparer then makes each
-- meter's new version under the HSM and sends its key transfer, a chunk of meters at a time claimed FOR UPDATE SKIP
-- LOCKED (replicas share the work; a process that dies leaves its chunk PREPARING for the next claim).
ALTER TABLE key_rotation DROP CONSTRAINT key_rotation_state_check;
ALTER TABLE key_rotation ADD CONSTRAINT key_rotation_state_check
    CHECK (state IN ('PREPARING', 'TRANSFER_SENT', 'CONFIRM_SENT', 'ACTIVE', 'FAILED'));
CREATE INDEX key_rotation_preparing_idx ON key_rotation (updated_at) WHERE state = 'PREPARING';
