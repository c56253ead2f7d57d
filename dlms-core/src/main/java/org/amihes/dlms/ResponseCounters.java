package org.amihes.dlms;

/**
 * Replay protection on what the meter sends within one session. Each ciphered APDU carries the meter's invocation
 * counter, and the Green Book forbids an IV (system title | counter) to repeat under a key; so under the same key
 * (global or dedicated) every counter must be above the last one this session accepted. A repeated or lower
 * counter is an APDU recorded earlier and played again, or reflected: Gurux 4.0.47 does not check this on the
 * client side (its check is server-only, with {@code <}, and does not expose the counter it reads).
 */
final class ResponseCounters {

    private long lastGlobal = -1;
    private long lastDedicated = -1;

    /** Why {@code header} must be refused, or null when its counter is new under its key. */
    String refusal(Apdus.CipherHeader header) {
        long last = header.dedicated() ? lastDedicated : lastGlobal;
        if (last < 0 || header.invocationCounter() > last) {
            return null;
        }
        return String.format("the meter's ciphered APDU (tag %02X) carries invocation counter %d under the %s key,"
                        + " not above the %d it already used in this session: a replayed or reflected response",
                header.tag(), header.invocationCounter(), header.dedicated() ? "dedicated" : "global", last);
    }

    /** Records a counter once the APDU carrying it has been read. */
    void accept(Apdus.CipherHeader header) {
        if (header.dedicated()) {
            lastDedicated = Math.max(lastDedicated, header.invocationCounter());
        } else {
            lastGlobal = Math.max(lastGlobal, header.invocationCounter());
        }
    }
}
