package org.amihes.simulator;

import gurux.dlms.enums.DataType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The standard event log (capture objects: clock, event code) as a function of the meter's spec: on about one day
 * in three the meter loses power once, for 10 s to 2 h, drawn from a random sequence seeded by the meter and the
 * day. Each outage lies within its UTC day, so power-down and power-up always alternate.
 */
public final class EventLog implements ProfileRows {

    /** How far back the buffer reaches. */
    public static final Duration DEPTH = Duration.ofDays(30);

    private static final long DAY = 86_400;
    private static final long LONGEST_OUTAGE = 7_200;

    private final MeterSpec spec;

    EventLog(MeterSpec spec) {
        this.spec = spec;
    }

    /** The meter's events within {@code from..to} (inclusive), oldest first; none before {@link MeterModel#EPOCH}. */
    public static List<MeterEvent> events(MeterSpec meter, Instant from, Instant to) {
        List<MeterEvent> events = new ArrayList<>();
        long firstDay = Math.max(Math.floorDiv(from.getEpochSecond(), DAY), MeterModel.EPOCH.getEpochSecond() / DAY);
        for (long day = firstDay; day <= Math.floorDiv(to.getEpochSecond(), DAY); day++) {
            SplittableRandom random = new SplittableRandom(seed(meter, day));
            if (random.nextInt(3) != 0) {
                continue;
            }
            long down = day * DAY + random.nextLong(DAY - LONGEST_OUTAGE);
            long up = down + 10 + random.nextLong(LONGEST_OUTAGE - 10);
            add(events, new MeterEvent(Instant.ofEpochSecond(down), MeterEvent.POWER_DOWN), from, to);
            add(events, new MeterEvent(Instant.ofEpochSecond(up), MeterEvent.POWER_UP), from, to);
        }
        return events;
    }

    @Override
    public DataType[] columnTypes() {
        return new DataType[] {DataType.OCTET_STRING, DataType.UINT8};
    }

    @Override
    public long capacity() {
        return DEPTH.toDays() * 2; // at most one outage (two events) a day
    }

    @Override
    public long entriesInUse(Instant now) {
        return window(now).size();
    }

    @Override
    public List<Object[]> byEntry(long first, long last, Instant now) {
        return rows(window(now).subList((int) first - 1, (int) last));
    }

    @Override
    public List<Object[]> byRange(Instant from, Instant to, Instant now) {
        Instant windowStart = now.minus(DEPTH);
        return rows(events(spec, from.isAfter(windowStart) ? from : windowStart, to.isBefore(now) ? to : now));
    }

    private List<MeterEvent> window(Instant now) {
        return events(spec, now.minus(DEPTH), now);
    }

    private static List<Object[]> rows(List<MeterEvent> events) {
        List<Object[]> rows = new ArrayList<>(events.size());
        events.forEach(e -> rows.add(new Object[] {e.at(), e.code()}));
        return rows;
    }

    private static void add(List<MeterEvent> events, MeterEvent e, Instant from, Instant to) {
        if (!e.at().isBefore(from) && !e.at().isAfter(to)) {
            events.add(e);
        }
    }

    private static long seed(MeterSpec meter, long day) {
        return (meter.meterId().hashCode() * 0x9E37_79B9_7F4A_7C15L) ^ (meter.initialWh() * 31 + meter.averageLoadW())
                ^ (day * 0xBF58_476D_1CE4_E5B9L);
    }
}
