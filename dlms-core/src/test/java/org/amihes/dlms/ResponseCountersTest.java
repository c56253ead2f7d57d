package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Per-key bookkeeping of the meter's invocation counters within one session. */
class ResponseCountersTest {

    static Apdus.CipherHeader global(long ic) {
        return new Apdus.CipherHeader(0xCC, false, 0x30, ic);
    }

    static Apdus.CipherHeader dedicated(long ic) {
        return new Apdus.CipherHeader(0xD4, true, 0x30, ic);
    }

    @Test
    void eachKeyMustRiseOnItsOwn() {
        ResponseCounters counters = new ResponseCounters();
        assertThat(counters.refusal(global(0))).as("the first counter of a session is any counter").isNull();
        counters.accept(global(0));
        assertThat(counters.refusal(global(1))).isNull();
        counters.accept(global(1));
        // the dedicated key has its own counter (Green Book: an IV must not repeat under one key)
        assertThat(counters.refusal(dedicated(1))).isNull();
        counters.accept(dedicated(1));
        assertThat(counters.refusal(global(2))).isNull();

        assertThat(counters.refusal(global(1))).isEqualTo("the meter's ciphered APDU (tag CC) carries invocation "
                + "counter 1 under the global key, not above the 1 it already used in this session: a replayed or "
                + "reflected response");
        assertThat(counters.refusal(global(0))).contains("counter 0 under the global key, not above the 1");
        assertThat(counters.refusal(dedicated(1))).contains("tag D4").contains("under the dedicated key");
    }

    @Test
    void aCounterIsOnlyRememberedOnceAccepted() {
        ResponseCounters counters = new ResponseCounters();
        counters.accept(global(10));
        assertThat(counters.refusal(global(50))).isNull(); // checked, but its APDU was never read: not recorded
        assertThat(counters.refusal(global(11))).isNull();
    }
}
