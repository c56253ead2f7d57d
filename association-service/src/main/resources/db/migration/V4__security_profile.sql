-- The security profile (security-service) a meter associates under: client address, mechanism, suite, policy.
-- NULL: the meter is read with client_address and authentication above (the public client, without keys).
ALTER TABLE meter ADD COLUMN security_profile VARCHAR(64);
