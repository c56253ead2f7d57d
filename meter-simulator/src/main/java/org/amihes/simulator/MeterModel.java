package org.amihes.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The data a simulated meter reports, as a pure function of its spec and the simulator's clock. Tests compute
 * the values they expect from here, never from the code under test.
 */
public final class MeterModel {

    /** Energy registers start counting here. */
    public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    private final Clock clock;

    public MeterModel(Clock clock) {
        this.clock = clock;
    }

    /** The meter's clock now, to the second (COSEM date-time resolution used here). */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Active energy import in Wh at {@code at}: linear growth at the meter's average load. */
    public static long energyWh(MeterSpec meter, Instant at) {
        long seconds = Math.max(0, at.getEpochSecond() - EPOCH.getEpochSecond());
        return meter.initialWh() + meter.averageLoadW() * seconds / 3600;
    }

    /** Attribute 2 of the energy register: the energy expressed in units of 10^scaler Wh, truncated. */
    public static BigInteger energyRaw(MeterSpec meter, VendorProfile profile, Instant at) {
        return BigDecimal.valueOf(energyWh(meter, at)).scaleByPowerOfTen(-profile.energyScaler())
                .toBigInteger();
    }

    /** What a correct head-end stores: raw × 10^scaler, in Wh. */
    public static BigDecimal energyValue(MeterSpec meter, VendorProfile profile, Instant at) {
        return new BigDecimal(energyRaw(meter, profile, at)).scaleByPowerOfTen(profile.energyScaler());
    }
}
