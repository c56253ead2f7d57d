package org.amihes.association.domain;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Results this replica produced whose message the broker may still redeliver, by job id, oldest forgotten first. A job
 * the broker redelivers (its result could not be published, e.g. in a broker restart, so its message was requeued; or
 * the connection went before the message was acked) is answered from here instead of contacting the meter again: the
 * meter sees one session per job, and polling-service's idempotent ingest absorbs a repeated result. Once the message is
 * acked its results are {@linkplain #forget forgotten}: held for the next 50,000 jobs instead, they outlived young
 * collections and filled the old generation (~110 MB over a 100,000-meter batch against ~40 MB now).
 * <p>
 * Bounded twice: at most {@code capacity} results, and at most {@code maxWeight} in total as {@code weight} measures
 * them (what a result holds: a register read is a few values, a day of load profile hundreds), so a fleet of large
 * results cannot fill the heap. What is forgotten is still in the durable journal.
 */
public final class RecentResults<R> {

    private record Held<R>(R result, long weight) {
    }

    private final int capacity;
    private final long maxWeight;
    private final ToLongFunction<R> weigher;
    private final Map<String, Held<R>> byJob = new LinkedHashMap<>(16, 0.75f, false);
    private long weight;

    /** At most {@code capacity} results, whatever they hold. */
    public RecentResults(int capacity) {
        this(capacity, Long.MAX_VALUE, r -> 1);
    }

    public RecentResults(int capacity, long maxWeight, ToLongFunction<R> weigher) {
        if (capacity < 1 || maxWeight < 1) {
            throw new IllegalArgumentException("capacity and maximum weight must be at least 1, got " + capacity
                    + " and " + maxWeight);
        }
        this.capacity = capacity;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    public synchronized void remember(String jobId, R result) {
        Held<R> held = new Held<>(result, Math.max(1, weigher.applyAsLong(result)));
        Held<R> before = byJob.put(jobId, held);
        weight += held.weight() - (before == null ? 0 : before.weight());
        Iterator<Held<R>> oldest = byJob.values().iterator();
        while ((byJob.size() > capacity || weight > maxWeight) && oldest.hasNext()) {
            weight -= oldest.next().weight();
            oldest.remove();
        }
    }

    /** Forgets the result of {@code jobId}, if held (its message was acked: the broker will not deliver it again). */
    public synchronized void forget(String jobId) {
        Held<R> held = byJob.remove(jobId);
        if (held != null) {
            weight -= held.weight();
        }
    }

    public synchronized Optional<R> find(String jobId) {
        Held<R> held = byJob.get(jobId);
        return held == null ? Optional.empty() : Optional.of(held.result());
    }

    public synchronized int size() {
        return byJob.size();
    }

    /** What the results held weigh together. */
    public synchronized long weight() {
        return weight;
    }
}
