package org.amihes.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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

    /** Maximum demand (W) of the month so far, as the extended register 1.0.1.6.0.255 reports it. */
    public static long maxDemandW(MeterSpec meter) {
        return meter.averageLoadW() * 3 / 2;
    }

    /**
     * When this month's maximum demand was captured: a meter-specific 15-minute boundary between the start of the
     * month (UTC) and {@code at}, so it never lies in the future.
     */
    public static Instant maxDemandTime(MeterSpec meter, Instant at) {
        Instant monthStart = at.atOffset(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
        long elapsed = Math.max(0, at.getEpochSecond() - monthStart.getEpochSecond());
        long spread = meter.meterId().hashCode() * 7_919L + meter.averageLoadW();
        long offset = elapsed == 0 ? 0 : Math.floorMod(spread, elapsed);
        return monthStart.plusSeconds(offset - offset % 900);
    }
}
