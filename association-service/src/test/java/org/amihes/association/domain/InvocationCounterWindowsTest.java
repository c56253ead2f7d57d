package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.association.domain.InvocationCounterWindows.Window;
import org.junit.jupiter.api.Test;

class InvocationCounterWindowsTest {

    private static final String METER = "m1";
    private static final String KEY = "4845533030303031-suite0";

    /** The durable store's contract, as security-service keeps it: windows start above all before and at atLeast. */
    private static final class Store implements InvocationCounterWindows.Reservations {
        final Map<String, Long> highWater = new HashMap<>();
        final List<Window> handedOut = new ArrayList<>();

        @Override
        public Future<Window> reserve(String meterId, String keyId, long atLeast, int count) {
            long first = Math.max(highWater.getOrDefault(meterId + "/" + keyId, 1L), atLeast);
            highWater.put(meterId + "/" + keyId, first + count);
            Window w = new Window(first, first + count);
            handedOut.add(w);
            return Future.succeededFuture(w);
        }
    }

    private final Store store = new Store();

    @Test
    void sessionsUseTheWindowWithoutAskingTheStoreAgain() {
        InvocationCounterWindows counters = new InvocationCounterWindows(store, 100, 10);
        long start = next(counters);
        assertThat(start).isEqualTo(1);
        counters.advance(METER, KEY, start + 4); // a read association: AARQ, pass 3, GET, RLRQ
        assertThat(next(counters)).isEqualTo(5);
        counters.advance(METER, KEY, 9);
        assertThat(next(counters)).isEqualTo(9);
        assertThat(store.handedOut).hasSize(1);
    }

    @Test
    void aLowerAdvanceNeverLowersTheCounter() {
        InvocationCounterWindows counters = new InvocationCounterWindows(store, 100, 10);
        next(counters);
        counters.advance(METER, KEY, 30);
        counters.advance(METER, KEY, 12);
        assertThat(next(counters)).isEqualTo(30);
    }

    @Test
    void aWindowWithLessThanTheHeadroomLeftIsReplacedBeforeTheSession() {
        InvocationCounterWindows counters = new InvocationCounterWindows(store, 100, 10);
        next(counters);
        counters.advance(METER, KEY, 95); // 6 left of [1, 101): fewer than a session may need
        long start = next(counters);
        assertThat(start).isEqualTo(101);
        assertThat(store.handedOut).containsExactly(new Window(1, 101), new Window(101, 201));
    }

    @Test
    void aCounterPastTheWindowReachesTheStoreAtOnce() {
        InvocationCounterWindows counters = new InvocationCounterWindows(store, 100, 10);
        next(counters);
        // an image transfer used 5,000 counters, or the meter's frame counter said 4,999
        assertThat(counters.advance(METER, KEY, 5_000).succeeded()).isTrue();
        assertThat(store.highWater.get(METER + "/" + KEY)).isEqualTo(5_100);
        assertThat(next(counters)).isEqualTo(5_000);
    }

    @Test
    void aRestartedProcessNeverRepeatsACounter() {
        InvocationCounterWindows before = new InvocationCounterWindows(store, 100, 10);
        next(before);
        before.advance(METER, KEY, 40);
        // the process stops with [40, 101) unused; its successor starts above everything handed out
        InvocationCounterWindows after = new InvocationCounterWindows(store, 100, 10);
        assertThat(next(after)).isEqualTo(101);
    }

    @Test
    void metersAndKeysHaveTheirOwnCounters() {
        InvocationCounterWindows counters = new InvocationCounterWindows(store, 100, 10);
        next(counters);
        counters.advance(METER, KEY, 50);
        assertThat(counters.next("m2", KEY).result()).isEqualTo(1);
        assertThat(counters.next(METER, "4845533030303031-suite2").result()).isEqualTo(1);
        assertThat(next(counters)).isEqualTo(50);
    }

    @Test
    void aWindowThatCouldRepeatACounterIsRefused() {
        InvocationCounterWindows.Reservations broken = (m, k, atLeast, count) ->
                Future.succeededFuture(new Window(atLeast - 1, atLeast - 1 + count));
        Future<Long> next = new InvocationCounterWindows(broken, 100, 10).next(METER, KEY);
        assertThat(next.failed()).isTrue();
        assertThat(next.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("[0, 100)");
    }

    @Test
    void aStoreFailureFailsTheSessionInsteadOfGuessing() {
        RuntimeException down = new RuntimeException("connection refused");
        Future<Long> next = new InvocationCounterWindows((m, k, a, c) -> Future.failedFuture(down), 100, 10)
                .next(METER, KEY);
        assertThat(next.cause()).isSameAs(down);
    }

    private static long next(InvocationCounterWindows counters) {
        Future<Long> f = counters.next(METER, KEY);
        assertThat(f.succeeded()).isTrue();
        return f.result();
    }
}
