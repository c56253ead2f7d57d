package org.amihes.contracts;

import java.time.Instant;

/**
 * The outcome of {@link SyncClock}.
 *
 * @param meterTime  the meter's time as read first
 * @param driftMillis meter time minus head-end time when read (negative: the meter is behind)
 * @param written    whether the clock was set (the drift exceeded the tolerance)
 * @param setTo      the time written, null when nothing was
 */
public record ClockState(Instant meterTime, long driftMillis, boolean written, Instant setTo) implements CommandOutcome {
}
