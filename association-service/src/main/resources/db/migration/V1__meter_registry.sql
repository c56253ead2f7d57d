-- The meter registry: how to reach each meter and associate with it. Keys are not here (security-service).
CREATE TABLE meter (
    meter_id        VARCHAR(64)  PRIMARY KEY,
    vendor          VARCHAR(64)  NOT NULL,
    host            VARCHAR(255) NOT NULL,
    port            INTEGER      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    transport       VARCHAR(16)  NOT NULL,
    client_address  INTEGER      NOT NULL,
    logical_device  INTEGER      NOT NULL,
    authentication  VARCHAR(16)  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX meter_vendor_idx ON meter (vendor);
