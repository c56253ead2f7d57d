package org.amihes.polling.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Where a read request stands.
 *
 * @param failuresByClass failed jobs per failure class (NETWORK, PROTOCOL, VENDOR, SECURITY, CONFIGURATION)
 * @param byAssociation   completed jobs per association as it was secured (mechanism, suite, policy, client, profile,
 *                        key version), e.g. to see that every vendor was read over its management association
 * @param finishedAt      when the last job completed, null while jobs are pending
 */
public record BatchProgress(UUID batchId, int requested, int completed, int ok, int failed,
                            Map<String, Integer> failuresByClass, Map<String, Integer> byAssociation, Instant createdAt,
                            Instant finishedAt) {

    @JsonProperty("done")
    public boolean done() {
        return completed == requested;
    }

    @JsonProperty("durationMs")
    public Long durationMs() {
        return finishedAt == null ? null : Duration.between(createdAt, finishedAt).toMillis();
    }
}
