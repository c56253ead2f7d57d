-- Security profiles. Runs in schema "security" (quarkus.flyway.schemas), so names stay unqualified.

CREATE TABLE security_profile (
    name             varchar(64) PRIMARY KEY,
    security_suite   integer     NOT NULL CHECK (security_suite BETWEEN 0 AND 2),
    authentication   varchar(32) NOT NULL,
    security_policy  varchar(32) NOT NULL,
    -- 1 on creation, +1 on each change of settings; consumers of profile.changed use it to drop stale events
    version          integer     NOT NULL CHECK (version >= 1),
    updated_at       timestamptz NOT NULL
);
