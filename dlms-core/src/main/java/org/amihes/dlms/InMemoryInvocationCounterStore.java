package org.amihes.dlms;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counters in memory: for tests, tools and a single process that can afford to resynchronise after a restart. */
public final class InMemoryInvocationCounterStore implements InvocationCounterStore {

    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    @Override
    public Future<Long> next(String meterId, String keyId) {
        return Future.succeededFuture(counters.getOrDefault(meterId + "/" + keyId, 1L));
    }

    @Override
    public Future<Void> advance(String meterId, String keyId, long next) {
        counters.merge(meterId + "/" + keyId, next, Math::max);
        return Future.succeededFuture();
    }
}
