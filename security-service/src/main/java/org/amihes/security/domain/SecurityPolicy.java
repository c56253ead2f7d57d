package org.amihes.security.domain;

/** Protection applied to xDLMS APDUs once the association is established. */
public enum SecurityPolicy {
    NONE,
    AUTHENTICATED,
    ENCRYPTED,
    AUTHENTICATED_ENCRYPTED
}
