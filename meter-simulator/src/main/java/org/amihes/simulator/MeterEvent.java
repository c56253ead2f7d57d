package org.amihes.simulator;

import java.time.Instant;

/** One entry of a meter's standard event log (0.0.99.98.0.255). */
public record MeterEvent(Instant at, int code) {

    /** Event codes as in the IDIS standard event log. */
    public static final int POWER_DOWN = 1;
    public static final int POWER_UP = 2;
}
