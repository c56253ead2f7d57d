-- Meter groups by tags (issue 13; service-commons MeterGroup, shared with firmware campaigns): the registry's tags in
-- polling-service's view, and a schedule's group may be a filter by vendor and/or tags, or meter ids.
ALTER TABLE meter ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX meter_tags_idx ON meter USING gin (tags);

ALTER TABLE schedule ADD COLUMN group_tags text[];
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'schedule'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%group_vendor%' LOOP
        EXECUTE format('ALTER TABLE schedule DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;
ALTER TABLE schedule ADD CONSTRAINT schedule_group_shape
    CHECK ((group_vendor IS NULL AND group_tags IS NULL) <> (group_meters IS NULL));
