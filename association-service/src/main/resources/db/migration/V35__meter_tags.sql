-- Free labels per meter (issue 13: campaigns and schedules select meters by vendor and tags, service-commons
-- MeterGroup). Sorted, each once (the registry normalises them); carried in the registry events to the services' views.
ALTER TABLE meter ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX meter_tags_idx ON meter USING gin (tags);
