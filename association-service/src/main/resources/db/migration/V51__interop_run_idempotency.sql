-- POST /interop/runs under an Idempotency-Key (issue 16): the key a run was started with, unique, so a repeat (or a
-- concurrent request under the same key) finds the run instead of starting another; request_digest (SHA-256 of the
-- request's canonical form) tells a repeat from another request under the same key. Both null without a key.
ALTER TABLE interop_run ADD COLUMN idempotency_key VARCHAR(128),
                        ADD COLUMN request_digest  CHAR(64);
CREATE UNIQUE INDEX interop_run_idempotency_key ON interop_run (idempotency_key);
