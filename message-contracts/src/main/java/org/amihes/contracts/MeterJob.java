package org.amihes.contracts;

import java.time.Instant;

/**
 * Asks association-service to run one {@link MeterCommand} on one meter. Published on the jobs exchange in a
 * {@link MeterJobBatch}, routed by meter id so that one meter's jobs are serialised, whatever their command.
 *
 * @param jobId       unique per (batch, meter); results are stored idempotently on it, so redelivery is harmless
 * @param batchId     the request this job belongs to
 * @param meterId     registry id of the meter
 * @param requestedAt when the job was created
 * @param command     what to do
 * @param requestedBy who asked (an operator or a service), for the audit log; null for scheduled work
 */
public record MeterJob(String jobId, String batchId, String meterId, Instant requestedAt, MeterCommand command,
                       String requestedBy) {

    public MeterJob {
        ContractViolation.required("jobId", jobId);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("command", command);
    }

    public MeterJob(String jobId, String batchId, String meterId, Instant requestedAt, MeterCommand command) {
        this(jobId, batchId, meterId, requestedAt, command, null);
    }
}
