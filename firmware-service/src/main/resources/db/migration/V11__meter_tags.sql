-- The registry's tags in firmware-service's view (service-commons RegistryViewTable, MeterGroup): a campaign may
-- target a filter group by vendor (device type) and/or tags.
ALTER TABLE meter ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX meter_tags_idx ON meter USING gin (tags);
