-- Invocation counters handed out to association-service, per meter and key (client system title + suite).
-- next_counter only ever rises: a meter refuses a counter it has already seen, so after any crash the next window
-- must start above everything handed out before. The DLMS invocation counter is 32 bits unsigned; when it runs
-- out the key must be changed, which the check turns into a refusal instead of a wrap-around.
CREATE TABLE invocation_counter (
    meter_id      varchar(64)  NOT NULL,
    key_id        varchar(64)  NOT NULL,
    next_counter  bigint       NOT NULL CHECK (next_counter BETWEEN 0 AND 4294967296),
    updated_at    timestamptz  NOT NULL,
    PRIMARY KEY (meter_id, key_id)
);
