-- polling-service's own view of the registry, kept from association-service's MeterRegistryChange events: which
-- meters exist (for "all": true) and their vendor. The newest updated_at wins, so late events never roll back.
CREATE TABLE meter (
    meter_id    VARCHAR(64)  PRIMARY KEY,
    vendor      VARCHAR(64)  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);
