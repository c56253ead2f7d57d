-- Issue 15: the MDMS outbox holds one row per storing statement, channel and up to 500 readings, the readings'
-- fields as parallel arrays, instead of one row per reading and channel (two rows inserted and deleted per register
-- reading were the largest PostgreSQL cost of a fleet read). The relay publishes a row's readings in MdmsReadings
-- messages and deletes the row once the broker took them all. Rows waiting from before are carried over.
ALTER TABLE mdms_outbox RENAME TO mdms_outbox_v21;
ALTER SEQUENCE mdms_outbox_id_seq RENAME TO mdms_outbox_v21_id_seq;
ALTER INDEX mdms_outbox_pkey RENAME TO mdms_outbox_v21_pkey;
ALTER INDEX mdms_outbox_channel_idx RENAME TO mdms_outbox_v21_channel_idx;

CREATE TABLE mdms_outbox (
    id            BIGSERIAL      PRIMARY KEY,
    channel       VARCHAR(16)    NOT NULL,
    kind          VARCHAR(16)    NOT NULL,
    readings      INTEGER        NOT NULL CHECK (readings BETWEEN 1 AND 500),
    meter_id      TEXT[]         NOT NULL,
    profile       TEXT[]         NOT NULL,
    obis          TEXT[]         NOT NULL,
    capture_time  TIMESTAMPTZ[]  NOT NULL,
    value         NUMERIC[]      NOT NULL,
    raw           NUMERIC[]      NOT NULL,
    scaler        INTEGER[]      NOT NULL,
    unit          TEXT[]         NOT NULL,
    status        TEXT[]         NOT NULL,
    source        TEXT[]         NOT NULL,
    stored_at     TIMESTAMPTZ[]  NOT NULL
);
CREATE INDEX mdms_outbox_channel_idx ON mdms_outbox (channel, id);

INSERT INTO mdms_outbox (channel, kind, readings, meter_id, profile, obis, capture_time, value, raw, scaler, unit, status,
                         source, stored_at)
SELECT channel, kind, count(*), array_agg(meter_id ORDER BY id), array_agg(profile ORDER BY id), array_agg(obis ORDER BY id),
       array_agg(capture_time ORDER BY id), array_agg(value ORDER BY id), array_agg(raw ORDER BY id),
       array_agg(scaler ORDER BY id), array_agg(unit ORDER BY id), array_agg(status ORDER BY id),
       array_agg(source ORDER BY id), array_agg(stored_at ORDER BY id)
FROM mdms_outbox_v21 GROUP BY channel, kind, id / 500 ORDER BY min(id);

DROP TABLE mdms_outbox_v21;
