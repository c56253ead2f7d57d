package org.amihes.association.domain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One association per meter at a time: work for a meter starts only after the previous work for that meter
 * ended, whatever its outcome. Different meters never wait for each other.
 */
public final class PerMeterSerializer {

    private final Map<String, Future<?>> tails = new ConcurrentHashMap<>();

    public <T> Future<T> submit(String meterId, Supplier<Future<T>> work) {
        Promise<T> done = Promise.promise();
        Future<?> previous = tails.put(meterId, done.future());
        Future<Void> turn = previous == null ? Future.succeededFuture() : previous.transform(ar -> Future.succeededFuture());
        turn.compose(v -> work.get()).onComplete(ar -> {
            tails.remove(meterId, done.future()); // forget idle meters: the map holds only busy ones
            done.handle(ar);
        });
        return done.future();
    }

    public int busyMeters() {
        return tails.size();
    }
}
