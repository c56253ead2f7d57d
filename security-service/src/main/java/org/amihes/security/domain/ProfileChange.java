package org.amihes.security.domain;

/** What writing a profile does, given what is stored under its name; decides idempotency and versioning. */
public enum ProfileChange {
    /** nothing was stored: store it as version 1 */
    CREATED,
    /** the same settings are stored already: a no-op, no new version, no event */
    UNCHANGED,
    /** other settings were stored and may be replaced: next version */
    UPDATED,
    /** other settings are stored and a create must not replace them */
    CONFLICT;

    /** POST: create, or confirm an identical earlier create; never overwrite. */
    public static ProfileChange onCreate(SecurityProfile stored, SecurityProfile requested) {
        if (stored == null) {
            return CREATED;
        }
        return stored.equals(requested) ? UNCHANGED : CONFLICT;
    }

    /** PUT: the requested settings become the state, whatever was there. */
    public static ProfileChange onPut(SecurityProfile stored, SecurityProfile requested) {
        if (stored == null) {
            return CREATED;
        }
        return stored.equals(requested) ? UNCHANGED : UPDATED;
    }
}
