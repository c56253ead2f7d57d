package org.amihes.contracts;

import java.util.List;

/**
 * Results of several {@link MeterJob}s of one command type in one message: association-service gathers the results
 * it produces within a few milliseconds (at most {@link #MAX_RESULTS}) so the broker carries one persistent message
 * per batch instead of one per meter. Routing key {@link #routingKey(String)} of the command type on the results
 * exchange ({@code hes.topology.results-exchange}): each service binds the results of the commands it asked for.
 * Each result stands alone: a consumer stores them idempotently by job id, so a batch delivered twice, or a result
 * that appears in two batches (its job was redelivered), changes nothing the second time.
 */
public record MeterJobResultBatch(List<MeterJobResult> results) {

    public static final int MAX_RESULTS = 200;

    public MeterJobResultBatch {
        if (results == null || results.isEmpty()) {
            throw new ContractViolation("results", "missing or empty");
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                throw new ContractViolation("results[" + i + "]", "null");
            }
        }
        results = List.copyOf(results);
    }

    /** {@code result.<command type>}, e.g. {@code result.read-registers}. */
    public static String routingKey(String commandType) {
        return "result." + commandType;
    }
}
