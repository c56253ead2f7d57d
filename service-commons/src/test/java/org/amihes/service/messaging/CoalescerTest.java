package org.amihes.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    void requestsMadeTogetherTravelTogetherAndEachGetsItsOwnAnswer() throws Exception {
        List<List<Integer>> sent = new CopyOnWriteArrayList<>();
        Coalescer<Integer, String> coalescer = new Coalescer<>(vertx, 100, 50, batch -> {
            sent.add(batch);
            return Future.succeededFuture(batch.stream().map(i -> "answer-" + i).toList());
        });
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(coalescer.request(i).toCompletionStage().toCompletableFuture());
        }
        for (int i = 0; i < 10; i++) {
            assertThat(answers.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("answer-" + i);
        }
        assertThat(sent).containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    @Test
    void aFullBatchGoesAtOnceTheRestAfterTheDelay() throws Exception {
        List<List<Integer>> sent = new CopyOnWriteArrayList<>();
        Coalescer<Integer, Integer> coalescer = new Coalescer<>(vertx, 3, 60_000, batch -> {
            sent.add(batch);
            return Future.succeededFuture(batch);
        });
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            answers.add(coalescer.request(i).toCompletionStage().toCompletableFuture());
        }
        for (int i = 0; i < 6; i++) {
            assertThat(answers.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(sent).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5));
        assertThat(answers.get(6)).as("waits for others up to the delay (a minute here)").isNotDone();
    }

    @Test
    void eachAnswerArrivesOnItsCallersContext() throws Exception {
        Coalescer<String, String> coalescer = new Coalescer<>(vertx, 100, 20, batch -> {
            Context sender = vertx.getOrCreateContext();
            io.vertx.core.Promise<List<String>> answered = io.vertx.core.Promise.promise();
            sender.runOnContext(v -> answered.complete(batch));
            return answered.future();
        });
        List<CompletableFuture<Boolean>> sameContext = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Context caller = vertx.getOrCreateContext();
            CompletableFuture<Boolean> same = new CompletableFuture<>();
            caller.runOnContext(v -> coalescer.request("r").onComplete(ar -> same.complete(Vertx.currentContext() == caller)));
            sameContext.add(same);
        }
        for (CompletableFuture<Boolean> same : sameContext) {
            assertThat(same.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aFailedOrMiscountedSendFailsEveryRequestOfItsBatch() throws Exception {
        Coalescer<Integer, Integer> failing = new Coalescer<>(vertx, 2, 60_000,
                batch -> Future.failedFuture(new IllegalStateException("security-service unreachable")));
        Future<Integer> first = failing.request(1);
        Future<Integer> second = failing.request(2);
        for (Future<Integer> f : List.of(first, second)) {
            Throwable cause = f.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("security-service unreachable");
        }
        Coalescer<Integer, Integer> short1 = new Coalescer<>(vertx, 2, 60_000,
                batch -> Future.succeededFuture(List.of(1)));
        Future<Integer> a = short1.request(1);
        Future<Integer> b = short1.request(2);
        for (Future<Integer> f : List.of(a, b)) {
            Throwable cause = f.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("1 answers to 2 requests");
        }
    }
}
