package org.amihes.association.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-replica bound on probes at once: never exceeded, every probe run once, in order, failures released too. */
class ProbeSlotsTest {

    @Test
    void tenThousandProbesRunAtMostTheLimitAtOnceEachOnceInOrder() {
        ProbeSlots slots = new ProbeSlots(8);
        ArrayDeque<Promise<Integer>> running = new ArrayDeque<>();
        List<Integer> started = new ArrayList<>();
        List<Future<Integer>> results = new ArrayList<>();
        int[] most = new int[1];
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            results.add(slots.run(() -> {
                started.add(n);
                Promise<Integer> p = Promise.promise();
                running.add(p);
                most[0] = Math.max(most[0], running.size());
                return p.future();
            }));
        }
        assertThat(started).hasSize(8);
        int finished = 0;
        while (!running.isEmpty()) {
            Promise<Integer> p = running.poll();
            if (finished % 3 == 0) {
                p.fail("meter " + finished + " broke");
            } else {
                p.complete(finished);
            }
            finished++;
        }
        assertThat(finished).isEqualTo(10_000);
        assertThat(most[0]).isEqualTo(8);
        assertThat(started).hasSize(10_000).isSorted();
        assertThat(results).allMatch(Future::isComplete);
        assertThat(results.stream().filter(Future::failed)).hasSize(3_334);
        assertThat(slots.running()).isZero();
    }

    @Test
    void workThatThrowsReleasesItsSlotAndFails() {
        ProbeSlots slots = new ProbeSlots(1);
        Future<Object> thrown = slots.run(() -> {
            throw new IllegalStateException("no target");
        });
        assertThat(thrown.failed()).isTrue();
        assertThat(thrown.cause()).hasMessage("no target");
        assertThat(slots.run(() -> Future.succeededFuture(7)).result()).isEqualTo(7);
        assertThat(slots.running()).isZero();
        assertThatThrownBy(() -> new ProbeSlots(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
