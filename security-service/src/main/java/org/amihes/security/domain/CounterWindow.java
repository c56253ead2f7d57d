package org.amihes.security.domain;

/**
 * Invocation counters reserved for one holder: {@code first} up to, not including, {@code limit}. Windows of one
 * meter and key never overlap, whoever asked for them.
 */
public record CounterWindow(String meterId, String keyId, long first, long limit) {

    /** The DLMS invocation counter is an unsigned 32-bit number: the last usable value is 2^32 - 1. */
    public static final long COUNTER_SPACE = 1L << 32;
}
