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
 * @param priority    the order in which association-service admits waiting work; absent means {@link
 *                    JobPriority#ON_DEMAND} (a schedule's producer marks its jobs {@link JobPriority#SCHEDULED})
 */
public record MeterJob(String jobId, String batchId, String meterId, Instant requestedAt, MeterCommand command,
                       String requestedBy, JobPriority priority) {

    public MeterJob {
        ContractViolation.required("jobId", jobId);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("command", command);
        if (priority == null) {
            priority = JobPriority.ON_DEMAND;
        }
    }

    public MeterJob(String jobId, String batchId, String meterId, Instant requestedAt, MeterCommand command,
                    String requestedBy) {
        this(jobId, batchId, meterId, requestedAt, command, requestedBy, JobPriority.ON_DEMAND);
    }

    public MeterJob(String jobId, String batchId, String meterId, Instant requestedAt, MeterCommand command) {
        this(jobId, batchId, meterId, requestedAt, command, null, JobPriority.ON_DEMAND);
    }

    /** The same job at another priority. */
    public MeterJob withPriority(JobPriority p) {
        return new MeterJob(jobId, batchId, meterId, requestedAt, command, requestedBy, p);
    }
}
