-- An outbox row whose readings the MDMS contract refuses (MdmsReading's checks) is kept aside with the reason instead
-- of failing every pass of its channel and holding back every row after it; never published. The relay claims only
-- rows not set aside.
ALTER TABLE mdms_outbox ADD COLUMN rejected TEXT;
DROP INDEX mdms_outbox_channel_idx;
CREATE INDEX mdms_outbox_channel_idx ON mdms_outbox (channel, id) WHERE rejected IS NULL;
