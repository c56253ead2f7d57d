-- Key rotations asked for in one request (one batch), per meter: where each stands. The key versions themselves are
-- in meter_key (PENDING until confirmed); this is the progress an operator follows.
CREATE TABLE key_rotation (
    batch_id    uuid        NOT NULL,
    meter_id    varchar(64) NOT NULL,
    version     integer     NOT NULL,
    state       varchar(16) NOT NULL CHECK (state IN ('TRANSFER_SENT', 'CONFIRM_SENT', 'ACTIVE', 'FAILED')),
    failure     text,
    actor       varchar(128) NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_id, meter_id)
);
CREATE INDEX key_rotation_meter_idx ON key_rotation (meter_id, version);
