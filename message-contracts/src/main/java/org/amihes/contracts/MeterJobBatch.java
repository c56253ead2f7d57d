package org.amihes.contracts;

import java.util.List;

/**
 * Several {@link MeterJob}s in one message, all for meters of the same routing bucket, so the broker carries one
 * persistent message per batch instead of one per meter. Published on the jobs exchange (a consistent-hash exchange)
 * with routing key {@link #routingKey(String)} of its meters: a meter's bucket never changes, so every job of a meter
 * lands in the same partition of association-service, one association per meter at a time.
 */
public record MeterJobBatch(List<MeterJob> jobs) {

    /** Jobs per message at most. */
    public static final int MAX_JOBS = 100;
    /** Routing buckets: many more than partitions, so the hash ring spreads them evenly. */
    public static final int BUCKETS = 4096;

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

    /** The routing key of a meter's jobs: its bucket, a stable function of the meter id alone. */
    public static String routingKey(String meterId) {
        return "b" + Math.floorMod(meterId.hashCode(), BUCKETS);
    }
}
