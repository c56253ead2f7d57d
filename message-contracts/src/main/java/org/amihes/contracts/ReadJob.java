package org.amihes.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Asks association-service to read one meter. Published by polling-service on the {@code meter-jobs} exchange,
 * routed by meter id so that one meter's jobs are serialised.
 *
 * @param jobId       unique per (batch, meter); the consumer of the result upserts on it, so redelivery is harmless
 * @param batchId     the read request this job belongs to
 * @param meterId     registry id of the meter
 * @param registers   OBIS codes of the registers (class 3) to read, e.g. {@code 1.0.1.8.0.255}; the clock is always read
 * @param requestedAt when the job was created
 */
public record ReadJob(String jobId, String batchId, String meterId, List<String> registers, Instant requestedAt) {

    /** The register every walking-skeleton read asks for: active energy import, total. */
    public static final String ACTIVE_ENERGY_IMPORT = "1.0.1.8.0.255";

    public ReadJob {
        registers = registers == null ? List.of() : List.copyOf(registers);
    }
}
