package org.amihes.service.messaging;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns many small requests into few large ones: requests made within {@code maxDelayMs} of the first (or until
 * {@code maxSize} are waiting) are sent together, and each caller gets its own answer, as if it had asked alone: on its
 * own Vert.x context (a session's event loop), or, for {@link Batcher}'s writes, where the send completed. Thread-safe;
 * {@code send} must not block and must answer one result per request, in order; it runs on the caller's thread for a
 * full batch and on a Vert.x timer otherwise.
 */
public final class Coalescer<T, R> {

    private record Waiting<T, R>(T request, Promise<R> answer, Context context) {
    }

    private final Vertx vertx;
    private final int maxSize;
    private final long maxDelayMs;
    private final Function<List<T>, Future<List<R>>> send;
    private final boolean onCallersContext;
    private List<Waiting<T, R>> open = new ArrayList<>();
    private long timer = -1;

    /** Each answer on the context of the caller that asked. */
    public Coalescer(Vertx vertx, int maxSize, long maxDelayMs, Function<List<T>, Future<List<R>>> send) {
        this(vertx, maxSize, maxDelayMs, true, send);
    }

    /** @param onCallersContext false: answers on the thread that completes the send */
    Coalescer(Vertx vertx, int maxSize, long maxDelayMs, boolean onCallersContext, Function<List<T>, Future<List<R>>> send) {
        if (maxSize < 1 || maxDelayMs < 1) {
            throw new IllegalArgumentException("maxSize and maxDelayMs must be positive");
        }
        this.vertx = vertx;
        this.maxSize = maxSize;
        this.maxDelayMs = maxDelayMs;
        this.send = send;
        this.onCallersContext = onCallersContext;
    }

    public Future<R> request(T request) {
        Waiting<T, R> waiting = new Waiting<>(request, Promise.promise(), onCallersContext ? Vertx.currentContext() : null);
        List<Waiting<T, R>> full = null;
        synchronized (this) {
            open.add(waiting);
            if (open.size() >= maxSize) {
                full = take();
            } else if (timer < 0) {
                timer = vertx.setTimer(maxDelayMs, id -> sendOnTimer());
            }
        }
        if (full != null) {
            send(full);
        }
        return waiting.answer().future();
    }

    private void sendOnTimer() {
        List<Waiting<T, R>> due;
        synchronized (this) {
            timer = -1;
            due = take();
        }
        if (!due.isEmpty()) {
            send(due);
        }
    }

    private List<Waiting<T, R>> take() {
        List<Waiting<T, R>> taken = open;
        open = new ArrayList<>();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return taken;
    }

    private void send(List<Waiting<T, R>> batch) {
        Future<List<R>> answers;
        try {
            answers = send.apply(batch.stream().map(Waiting::request).toList());
        } catch (RuntimeException e) {
            answers = Future.failedFuture(e);
        }
        answers.onComplete(ar -> {
            if (ar.succeeded() && ar.result().size() != batch.size()) {
                ar = Future.failedFuture(new IllegalStateException(ar.result().size() + " answers to "
                        + batch.size() + " requests"));
            }
            for (int i = 0; i < batch.size(); i++) {
                Waiting<T, R> w = batch.get(i);
                io.vertx.core.AsyncResult<R> one = ar.succeeded() ? Future.succeededFuture(ar.result().get(i))
                        : Future.failedFuture(ar.cause());
                if (w.context() == null || w.context() == Vertx.currentContext()) {
                    w.answer().handle(one);
                } else {
                    w.context().runOnContext(v -> w.answer().handle(one));
                }
            }
        });
    }
}
