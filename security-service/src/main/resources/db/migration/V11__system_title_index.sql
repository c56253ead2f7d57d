-- association-service identifies a ciphered push by the system title in its general-glo/ded-ciphering APDU
-- (GET /system-titles/{systemTitle}): a meter behind NAT or with a changed address pushes from an address that is not
-- the registered one.
CREATE INDEX meter_key_system_title ON meter_key (system_title);
