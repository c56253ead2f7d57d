package org.amihes.simulator;

import gurux.dlms.enums.DataType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The load profile (capture objects: clock, energy register value) as a function of the meter's spec and time:
 * one row per capture-period boundary over the last {@link #DEPTH}, the energy column exactly
 * {@link MeterModel#energyRaw} at that boundary. Rows start at {@link MeterModel#EPOCH} at the earliest.
 */
public final class LoadProfile implements ProfileRows {

    /** How far back the buffer reaches: 672 rows at 15 minutes. */
    public static final Duration DEPTH = Duration.ofDays(7);

    private final MeterSpec spec;
    private final VendorProfile profile;
    private final long period;

    LoadProfile(MeterSpec spec, VendorProfile profile) {
        this.spec = spec;
        this.profile = profile;
        this.period = profile.loadProfileCaptureSeconds();
    }

    @Override
    public DataType[] columnTypes() {
        return new DataType[] {DataType.OCTET_STRING, DataType.INT64};
    }

    @Override
    public long capacity() {
        return DEPTH.getSeconds() / period;
    }

    @Override
    public long entriesInUse(Instant now) {
        long last = last(now);
        long first = first(last);
        return last < first ? 0 : (last - first) / period + 1;
    }

    @Override
    public List<Object[]> byEntry(long first, long last, Instant now) {
        long start = first(last(now)) + (first - 1) * period;
        return rows(start, start + (last - first) * period);
    }

    @Override
    public List<Object[]> byRange(Instant from, Instant to, Instant now) {
        long last = last(now);
        long start = Math.max(first(last), Math.floorDiv(from.getEpochSecond() + period - 1, period) * period);
        long end = Math.min(last, Math.floorDiv(to.getEpochSecond(), period) * period);
        return rows(start, end);
    }

    private List<Object[]> rows(long startSecond, long endSecond) {
        List<Object[]> rows = new ArrayList<>();
        for (long t = startSecond; t <= endSecond; t += period) {
            Instant at = Instant.ofEpochSecond(t);
            rows.add(new Object[] {at, MeterModel.energyRaw(spec, profile, at).longValueExact()});
        }
        return rows;
    }

    /** The newest capture boundary not after now. */
    private long last(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), period) * period;
    }

    private long first(long last) {
        long epoch = Math.floorDiv(MeterModel.EPOCH.getEpochSecond() + period - 1, period) * period;
        return Math.max(epoch, last - (capacity() - 1) * period);
    }
}
