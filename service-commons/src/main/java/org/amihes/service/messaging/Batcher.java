package org.amihes.service.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gathers items into batches of at most {@code maxSize}, each written once it is full or {@code maxDelayMs} after its
 * first item, whichever comes first. Each {@link #add} returns a future that completes with its batch's write: a
 * caller acknowledges its item only when the batch holding it is durable. Thread-safe; the write runs on the caller's
 * thread for a full batch and on a Vert.x timer otherwise, and must not block.
 */
public final class Batcher<T> {

    private record Item<T>(T value, Promise<Void> written) {
    }

    private final Vertx vertx;
    private final int maxSize;
    private final long maxDelayMs;
    private final Function<List<T>, Future<Void>> write;
    private List<Item<T>> open = new ArrayList<>();
    private long timer = -1;

    public Batcher(Vertx vertx, int maxSize, long maxDelayMs, Function<List<T>, Future<Void>> write) {
        if (maxSize < 1 || maxDelayMs < 1) {
            throw new IllegalArgumentException("maxSize and maxDelayMs must be positive");
        }
        this.vertx = vertx;
        this.maxSize = maxSize;
        this.maxDelayMs = maxDelayMs;
        this.write = write;
    }

    public Future<Void> add(T value) {
        Item<T> item = new Item<>(value, Promise.promise());
        List<Item<T>> full = null;
        synchronized (this) {
            open.add(item);
            if (open.size() >= maxSize) {
                full = take();
            } else if (timer < 0) {
                timer = vertx.setTimer(maxDelayMs, id -> flushOnTimer());
            }
        }
        if (full != null) {
            flush(full);
        }
        return item.written().future();
    }

    private void flushOnTimer() {
        List<Item<T>> due;
        synchronized (this) {
            timer = -1;
            due = take();
        }
        if (!due.isEmpty()) {
            flush(due);
        }
    }

    private List<Item<T>> take() {
        List<Item<T>> taken = open;
        open = new ArrayList<>();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return taken;
    }

    private void flush(List<Item<T>> batch) {
        Future<Void> written;
        try {
            written = write.apply(batch.stream().map(Item::value).toList());
        } catch (RuntimeException e) {
            written = Future.failedFuture(e);
        }
        written.onComplete(ar -> batch.forEach(i -> i.written().handle(ar)));
    }
}
