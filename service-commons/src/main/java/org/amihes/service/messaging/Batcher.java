package org.amihes.service.messaging;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Gathers items into batches of at most {@code maxSize}, each written once it is full or {@code maxDelayMs} after its
 * first item, whichever comes first. Each {@link #add} returns a future that completes with its batch's write: a
 * caller acknowledges its item only when the batch holding it is durable. Thread-safe; the write runs on the caller's
 * thread for a full batch and on a Vert.x timer otherwise, and must not block. A {@link Coalescer} whose answer is
 * the write's outcome, on the thread that completes it.
 */
public final class Batcher<T> {

    private final Coalescer<T, Void> batches;

    public Batcher(Vertx vertx, int maxSize, long maxDelayMs, Function<List<T>, Future<Void>> write) {
        this.batches = new Coalescer<>(vertx, maxSize, maxDelayMs, false,
                batch -> write.apply(batch).map(written -> Collections.nCopies(batch.size(), null)));
    }

    public Future<Void> add(T value) {
        return batches.request(value);
    }
}
