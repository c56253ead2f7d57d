package org.amihes.contracts;

import java.time.Instant;
import java.util.List;

/**
 * What association-service reports back for a {@link ReadJob}: the values read, or a classified failure.
 *
 * @param meterTime the meter's clock (0.0.1.0.0.255) read in the same association, null if it failed
 * @param failure   null when {@code status} is {@link Status#OK}
 */
public record ReadResult(String jobId, String batchId, String meterId, Status status, Instant meterTime,
                         Instant completedAt, List<RegisterValue> values, MeterFailure failure) {

    public enum Status { OK, FAILED }

    public ReadResult {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static ReadResult ok(ReadJob job, Instant meterTime, List<RegisterValue> values) {
        return new ReadResult(job.jobId(), job.batchId(), job.meterId(), Status.OK, meterTime, Instant.now(), values, null);
    }

    public static ReadResult failed(ReadJob job, MeterFailure failure) {
        return new ReadResult(job.jobId(), job.batchId(), job.meterId(), Status.FAILED, null, Instant.now(), List.of(), failure);
    }
}
