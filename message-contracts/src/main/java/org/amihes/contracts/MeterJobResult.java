package org.amihes.contracts;

import java.time.Instant;

/**
 * What association-service reports back for a {@link MeterJob}: the command's outcome, or a classified failure.
 *
 * @param command     the command's type ({@link MeterCommand#commandType()})
 * @param association how the association was secured (e.g. "HIGH_GMAC suite 0 AUTHENTICATED_ENCRYPTED, client 1"),
 *                    null when no association was attempted
 * @param outcome     null unless {@code status} is {@link Status#OK}
 * @param failure     null when {@code status} is {@link Status#OK}
 */
public record MeterJobResult(String jobId, String batchId, String meterId, String command, Status status,
                             Instant completedAt, String association, CommandOutcome outcome, MeterFailure failure) {

    public enum Status { OK, FAILED }

    public MeterJobResult {
        ContractViolation.required("jobId", jobId);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("command", command);
        ContractViolation.required("status", status);
        if (status == Status.OK && outcome == null) {
            throw new ContractViolation("outcome", "required when status is OK");
        }
        if (status == Status.FAILED && failure == null) {
            throw new ContractViolation("failure", "required when status is FAILED");
        }
    }

    public static MeterJobResult ok(MeterJob job, String association, CommandOutcome outcome) {
        return new MeterJobResult(job.jobId(), job.batchId(), job.meterId(), job.command().commandType(), Status.OK,
                Instant.now(), association, outcome, null);
    }

    public static MeterJobResult failed(MeterJob job, String association, MeterFailure failure) {
        return new MeterJobResult(job.jobId(), job.batchId(), job.meterId(), job.command().commandType(), Status.FAILED,
                Instant.now(), association, null, failure);
    }

    /** The routing key this result travels under. */
    public String routingKey() {
        return MeterJobResultBatch.routingKey(command);
    }
}
