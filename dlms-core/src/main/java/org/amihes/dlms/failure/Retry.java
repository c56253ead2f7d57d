package org.amihes.dlms.failure;

/**
 * Whether asking a meter again, unchanged, may succeed: the one place a retry policy (a job requeue, a polling
 * schedule's next attempt) asks, so that no caller decides from the class alone. A {@link FailureCode} carries one.
 */
public enum Retry {
    /** transient: the same request may well succeed later (network, modem, power); retry with backoff */
    TRANSIENT,
    /**
     * at most one more attempt, after a pause: the likely cause is configuration, but a passing one (a meter busy
     * with another association) cannot be ruled out from the wire; if the second attempt fails alike, stop
     */
    ONCE,
    /** retrying unchanged cannot help: keys, addresses, the meter's object model or a protocol deviation must change */
    NEVER
}
