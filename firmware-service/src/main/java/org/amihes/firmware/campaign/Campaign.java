package org.amihes.firmware.campaign;

import java.time.Instant;
import java.time.LocalTime;
import java.util.UUID;

/**
 * A firmware campaign: one image to a set of meters, at most {@code concurrency} meters in flight, started
 * {@code batchSize} at a time, new meters only inside the maintenance window (UTC, may cross midnight; null: any time).
 *
 * @param state   RUNNING, PAUSED, CANCELLED or DONE
 * @param oneShot a single meter's push: a meter already on the image is not skipped, its bootloader is asked (and
 *                refuses)
 */
public record Campaign(UUID id, UUID imageId, String state, boolean oneShot, int concurrency, int batchSize,
                       LocalTime windowStart, LocalTime windowEnd, String createdBy, Instant createdAt,
                       Instant finishedAt) {

    public boolean inWindow(LocalTime nowUtc) {
        if (windowStart == null || windowEnd == null) {
            return true;
        }
        return windowStart.isBefore(windowEnd) ? !nowUtc.isBefore(windowStart) && nowUtc.isBefore(windowEnd)
                : !nowUtc.isBefore(windowStart) || nowUtc.isBefore(windowEnd);
    }
}
