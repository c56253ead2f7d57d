package org.amihes.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatcherTest {

    final Vertx vertx = Vertx.vertx();
    final List<List<Integer>> written = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        vertx.close();
    }

    /**
     * A full batch is written in the call that fills it; the rest waits for the delay. The delay here is a minute, so
     * nothing but the size bound can have written anything when the test looks (with 50 ms, a loaded CI machine
     * descheduled the test thread past the delay: [[1, 2, 3], [4]] in the clean-clone run of 1af509f).
     */
    @Test
    void aFullBatchIsWrittenAtOnceAndTheRestWaits() {
        Batcher<Integer> batcher = new Batcher<>(vertx, 3, 60_000, batch -> {
            written.add(batch);
            return Future.succeededFuture();
        });
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            futures.add(batcher.add(i));
        }
        assertThat(written).containsExactly(List.of(1, 2, 3));
        assertThat(futures.subList(0, 3)).allMatch(Future::succeeded);
        assertThat(futures.get(3).isComplete()).isFalse();
    }

    @Test
    void whatIsLeftIsWrittenAfterTheDelay() throws Exception {
        Batcher<Integer> batcher = new Batcher<>(vertx, 3, 50, batch -> {
            written.add(batch);
            return Future.succeededFuture();
        });
        Future<Void> one = batcher.add(1);
        one.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(List.of(1));
    }

    @Test
    void aFailedWriteFailsEveryItemOfItsBatch() throws Exception {
        Batcher<Integer> batcher = new Batcher<>(vertx, 2, 10_000, batch -> Future.failedFuture("broker gone"));
        Future<Void> a = batcher.add(1);
        Future<Void> b = batcher.add(2);
        assertThat(a.failed()).isTrue();
        assertThat(b.failed()).isTrue();
        assertThat(b.cause()).hasMessage("broker gone");
    }
}
