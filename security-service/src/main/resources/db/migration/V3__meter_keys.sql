-- Security profiles name the association's client address and, optionally, where the meter keeps its security
-- setup and frame counter (null: the head-end finds them on the meter).
ALTER TABLE security_profile ADD COLUMN client_address integer NOT NULL DEFAULT 1 CHECK (client_address BETWEEN 1 AND 127);
ALTER TABLE security_profile ADD COLUMN security_setup varchar(23);
ALTER TABLE security_profile ADD COLUMN frame_counter varchar(23);
UPDATE security_profile SET client_address = CASE authentication WHEN 'NONE' THEN 16 WHEN 'LOW' THEN 32 ELSE 1 END;

-- A meter's keys, one row per key version. The secrets (global unicast encryption key, authentication key, master
-- key (KEK), LLS password, HLS secret) are stored only as "wrapped": AES-256-GCM under the master key in the HSM,
-- with the meter id and version bound as additional data, so a row copied to another meter or version does not
-- decrypt. What is not secret (system title, the mechanism and suite the key delivery declared, the meter's public
-- signing key) stays readable.
-- A version is PENDING until a new association with it confirmed it, then ACTIVE; the one it replaced becomes
-- RETIRED and is kept, never deleted: a lost key cuts a meter off for good.
CREATE TABLE meter_key (
    meter_id            varchar(64) NOT NULL,
    version             integer     NOT NULL CHECK (version >= 1),
    state               varchar(16) NOT NULL CHECK (state IN ('PENDING', 'ACTIVE', 'RETIRED')),
    system_title        bytea       NOT NULL CHECK (length(system_title) = 8),
    authentication      varchar(16) NOT NULL,
    security_suite      integer     NOT NULL CHECK (security_suite BETWEEN 0 AND 2),
    security_policy     varchar(32) NOT NULL,
    signing_public_key  bytea,
    wrapped             bytea       NOT NULL,
    master_key          varchar(64) NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    state_changed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, version)
);
CREATE UNIQUE INDEX meter_key_one_active ON meter_key (meter_id) WHERE state = 'ACTIVE';
CREATE UNIQUE INDEX meter_key_one_pending ON meter_key (meter_id) WHERE state = 'PENDING';

-- The head-end's own ECDSA signing keys (HLS-ECDSA, suites 1 and 2); the private key wrapped like meter keys.
CREATE TABLE head_end_key (
    suite               integer     NOT NULL CHECK (suite IN (1, 2)),
    version             integer     NOT NULL CHECK (version >= 1),
    state               varchar(16) NOT NULL CHECK (state IN ('PENDING', 'ACTIVE', 'RETIRED')),
    system_title        bytea       NOT NULL CHECK (length(system_title) = 8),
    public_key          bytea       NOT NULL,
    wrapped_private_key bytea       NOT NULL,
    master_key          varchar(64) NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (suite, version)
);
CREATE UNIQUE INDEX head_end_key_one_active ON head_end_key (suite) WHERE state = 'ACTIVE';

-- Every key event (imported, handed out, transferred, confirmed, retired, exported): who, when, which meter, which
-- version. Never a key.
CREATE TABLE key_event (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       varchar(128) NOT NULL,
    event       varchar(32) NOT NULL,
    meter_id    varchar(64),
    version     integer,
    detail      text
);
CREATE INDEX key_event_meter_idx ON key_event (meter_id, at);

-- The head-end's system title, as meters expect it in every ciphered APDU. One row.
CREATE TABLE head_end (
    id            smallint    PRIMARY KEY CHECK (id = 1),
    system_title  bytea       NOT NULL CHECK (length(system_title) = 8),
    created_at    timestamptz NOT NULL DEFAULT now()
);
