package org.amihes.contracts;

import java.util.List;

/**
 * Results of several {@link ReadJob}s in one message: association-service gathers the results it produces within a
 * few milliseconds (at most {@link #MAX_RESULTS}) so the broker carries one persistent message per batch instead of
 * one per meter. Routing key {@link #ROUTING_KEY} on the results exchange ({@code hes.topology.results-exchange}).
 * Each result stands alone: a consumer stores them idempotently by job id, so a batch delivered twice, or a result
 * that appears in two batches (its job was redelivered), changes nothing the second time.
 */
public record ReadResultBatch(List<ReadResult> results) {

    public static final String ROUTING_KEY = "read.result";
    public static final int MAX_RESULTS = 200;

    public ReadResultBatch {
        results = results == null ? List.of() : List.copyOf(results);
    }
}
