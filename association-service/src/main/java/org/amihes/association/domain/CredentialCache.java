package org.amihes.association.domain;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Meter credentials in memory: at most {@code capacity} (least recently used dropped first), each for at most
 * {@code ttl}, so keys never pile up in the heap and a rotation is seen within {@code ttl}. Concurrent requests for
 * one meter share one fetch. Thread-safe.
 */
public final class CredentialCache {

    private record Entry(Future<MeterCredentials> value, long expiresAt) {
    }

    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> entries;

    public CredentialCache(int capacity, Duration ttl, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > CredentialCache.this.capacity;
            }
        };
    }

    /** The cached credentials of {@code key}, else what {@code fetch} gives (a failed fetch is not kept). */
    public Future<MeterCredentials> get(String key, Supplier<Future<MeterCredentials>> fetch) {
        long now = clock.getAsLong();
        Entry fresh;
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e != null && now - e.expiresAt() < 0 && !e.value().failed()) {
                return e.value();
            }
            fresh = new Entry(fetch.get(), now + ttlNanos);
            entries.put(key, fresh);
        }
        fresh.value().onFailure(x -> forget(key, fresh));
        return fresh.value();
    }

    /**
     * Replaces a meter's credentials held (fetched and not expired) with {@code change} of them, keeping their expiry;
     * nothing when none are held.
     */
    public void update(String key, UnaryOperator<MeterCredentials> change) {
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e != null && e.value().succeeded() && clock.getAsLong() - e.expiresAt() < 0) {
                entries.put(key, new Entry(Future.succeededFuture(change.apply(e.value().result())), e.expiresAt()));
            }
        }
    }

    /** Drops a meter's entry: after an association refused its keys, the next one asks security-service again. */
    public void invalidate(String key) {
        synchronized (entries) {
            entries.remove(key);
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private void forget(String key, Entry entry) {
        synchronized (entries) {
            entries.remove(key, entry);
        }
    }
}
