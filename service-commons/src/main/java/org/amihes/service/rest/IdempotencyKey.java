package org.amihes.service.rest;

/**
 * The {@code Idempotency-Key} header of the requests that create something (read batches, profile reads, schedules
 * and their runs, interoperability runs, commands, campaigns): one definition of its name, its form and the answer to
 * its reuse. The same key with the same request answers what the first one stored; another request under the key is
 * 409; each service keeps its keys under a unique index, so a race under one new key stores one.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 128;

    private IdempotencyKey() {
    }

    /** An optional key as sent: null when there is none; 400 naming the header when blank or too long. */
    public static String optional(String key) {
        if (key != null && (key.isBlank() || key.length() > MAX_LENGTH)) {
            throw ProblemException.invalidField(HEADER, "must be 1 to " + MAX_LENGTH + " characters, not blank");
        }
        return key;
    }

    /** 409: the key was used for another request, named by {@code usedFor} (e.g. "batch 1234"). */
    public static ProblemException reused(String key, String usedFor) {
        return ProblemException.conflict(HEADER, "key '" + key + "' was used for another request (" + usedFor
                + "); use a new key for a new request");
    }
}
