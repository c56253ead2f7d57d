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

    @Test
    void aFullBatchIsWrittenAtOnceAndTheRestAfterTheDelay() throws Exception {
        Batcher<Integer> batcher = new Batcher<>(vertx, 3, 50, batch -> {
            written.add(batch);
            return Future.succeededFuture();
        });
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            futures.add(batcher.add(i));
        }
        assertThat(written).containsExactly(List.of(1, 2, 3));
        assertThat(futures.get(0).succeeded()).isTrue();
        assertThat(futures.get(3).isComplete()).isFalse();
        futures.get(3).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(List.of(1, 2, 3), List.of(4));
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
