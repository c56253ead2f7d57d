package org.amihes.association.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The results this replica produced lately, by job id, oldest forgotten first. A job the broker redelivers (its ack
 * was lost with the connection, or its result could not be published, e.g. in a broker restart) is answered from here
 * instead of contacting the meter again: the meter sees one session per job, and polling-service's idempotent ingest
 * absorbs a repeated result.
 */
public final class RecentResults<R> {

    private final Map<String, R> byJob;

    public RecentResults(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.byJob = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, R> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void remember(String jobId, R result) {
        byJob.put(jobId, result);
    }

    public synchronized Optional<R> find(String jobId) {
        return Optional.ofNullable(byJob.get(jobId));
    }

    public synchronized int size() {
        return byJob.size();
    }
}
