package org.amihes.contracts;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several {@link MeterJob}s in one message, all for meters of the same routing bucket, so the broker carries one
 * persistent message per batch instead of one per meter. Published on the jobs exchange (a consistent-hash exchange)
 * with routing key {@link #routingKey(String)} of its meters: a meter's bucket never changes, so every job of a meter
 * lands in the same partition of association-service, one association per meter at a time. Its {@link #headers()}
 * announce how many jobs it carries and its most urgent priority, so that a consumer can admit it before it parses it:
 * a replica's prefetched messages wait as bytes, not as thousands of parsed jobs on the heap.
 */
public record MeterJobBatch(List<MeterJob> jobs) {

    /** Jobs per message at most. */
    public static final int MAX_JOBS = 100;
    /** Routing buckets: many more than partitions, so the hash ring spreads them evenly. */
    public static final int BUCKETS = 4096;
    /** Message header: how many jobs the message carries. */
    public static final String JOBS_HEADER = "hes-jobs";
    /** Message header: the {@link JobPriority} name of its most urgent job. */
    public static final String PRIORITY_HEADER = "hes-priority";

    /** What a message's headers say of it before its body is read. */
    public record Announced(int jobs, JobPriority priority) {
        /** The headers that say it ({@link #announced} reads them). */
        public Map<String, Object> headers() {
            return Map.of(JOBS_HEADER, jobs, PRIORITY_HEADER, priority.name());
        }
    }

    public MeterJobBatch {
        if (jobs == null || jobs.isEmpty()) {
            throw new ContractViolation("jobs", "missing or empty; a message carries 1 to " + MAX_JOBS + " jobs");
        }
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i) == null) {
                throw new ContractViolation("jobs[" + i + "]", "null");
            }
        }
        jobs = List.copyOf(jobs);
    }

    /**
     * {@code jobs} as messages: those of one routing bucket together, up to {@link #MAX_JOBS} per message, in the
     * order given within a bucket (a meter's jobs keep their order).
     */
    public static List<MeterJobBatch> of(List<MeterJob> jobs) {
        Map<String, List<MeterJob>> byBucket = new java.util.LinkedHashMap<>();
        for (MeterJob job : jobs) {
            byBucket.computeIfAbsent(routingKey(job.meterId()), k -> new java.util.ArrayList<>()).add(job);
        }
        List<MeterJobBatch> batches = new java.util.ArrayList<>(jobs.size() / MAX_JOBS + byBucket.size());
        for (List<MeterJob> bucket : byBucket.values()) {
            for (int from = 0; from < bucket.size(); from += MAX_JOBS) {
                batches.add(new MeterJobBatch(bucket.subList(from, Math.min(bucket.size(), from + MAX_JOBS))));
            }
        }
        return batches;
    }

    /** The routing key to publish it with: its first meter's bucket (every meter's, for a message {@link #of} made). */
    public String routingKey() {
        return routingKey(jobs.get(0).meterId());
    }

    /** Its most urgent job's priority: the order in which waiting messages start. */
    public JobPriority priority() {
        return jobs.stream().map(MeterJob::priority).min(Comparator.naturalOrder()).orElseThrow();
    }

    /** The headers to publish it with ({@link #announced}). */
    public Map<String, Object> headers() {
        return new Announced(jobs.size(), priority()).headers();
    }

    /**
     * What {@code headers} announce; empty when they do not (a publisher that sets none, or values that do not read):
     * then the body says it. The body stays what counts: a consumer that finds another number of jobs goes by the body.
     */
    public static Optional<Announced> announced(Map<String, Object> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Object jobs = headers.get(JOBS_HEADER);
        Object priority = headers.get(PRIORITY_HEADER);
        if (jobs == null || priority == null) {
            return Optional.empty();
        }
        try {
            // AMQP brings strings as its own type: read both through their text
            int n = Integer.parseInt(jobs.toString());
            if (n < 1 || n > MAX_JOBS) {
                return Optional.empty();
            }
            return Optional.of(new Announced(n, JobPriority.valueOf(priority.toString())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The routing key of a meter's jobs: its bucket, a stable function of the meter id alone. */
    public static String routingKey(String meterId) {
        return "b" + Math.floorMod(meterId.hashCode(), BUCKETS);
    }
}
