-- How each job's association was secured (e.g. "HIGH_GMAC suite 0 AUTHENTICATED_ENCRYPTED, client 1 (profile ..., key
-- v1 ACTIVE)"), as association-service reports it: a batch's progress counts jobs by it.
ALTER TABLE read_job ADD COLUMN association varchar(256);
