package org.amihes.service.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The state of long work as a server-sent event stream: the state now, then each change, until it is done (the last
 * event is the final state, and the stream ends with it) or {@code maxDuration} has passed (a client that wants more
 * reconnects and gets the state again). The state is read where it is stored, every {@code period}, so the stream is
 * right whichever replica does the work. A failed read ends the stream with that failure (the first read's, e.g. a
 * 404, comes before any event). Never blocks: the reads are {@link Uni}s.
 */
public final class ProgressStream {

    private ProgressStream() {
    }

    /**
     * @param state reads the current state
     * @param done  whether a state is final: it is the last event
     */
    public static <T> Multi<T> of(Supplier<Uni<T>> state, Predicate<T> done, Duration period, Duration maxDuration) {
        long reads = Math.max(1, maxDuration.toMillis() / Math.max(1, period.toMillis()));
        AtomicReference<Object> last = new AtomicReference<>(new Object()); // equal to no state
        return Multi.createBy().repeating().uni(state::get).withDelay(period).whilst(s -> !done.test(s))
                .select().first(reads)
                .select().where(s -> !Objects.equals(s, last.getAndSet(s)));
    }
}
