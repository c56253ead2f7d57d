package org.amihes.simulator;

import gurux.dlms.objects.GXDLMSActivityCalendar;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The passive activity calendar (class 20, attributes 6 to 10) a client wrote, kept across connections, and how many
 * attribute writes the meter took: what a tariff command's test counts. Until a client writes, every connection
 * starts from the factory calendar ({@link CosemObjects}).
 */
final class CalendarState {

    private final AtomicLong writes = new AtomicLong();
    private volatile GXDLMSActivityCalendar written;

    /** Keeps the passive part of {@code calendar} after the client wrote attribute {@code index} of it. */
    void written(GXDLMSActivityCalendar calendar, int index) {
        writes.incrementAndGet();
        GXDLMSActivityCalendar copy = new GXDLMSActivityCalendar(calendar.getLogicalName());
        copy.setCalendarNamePassive(calendar.getCalendarNamePassive());
        copy.setSeasonProfilePassive(calendar.getSeasonProfilePassive());
        copy.setWeekProfileTablePassive(calendar.getWeekProfileTablePassive());
        copy.setDayProfileTablePassive(calendar.getDayProfileTablePassive());
        copy.setTime(calendar.getTime());
        written = copy;
    }

    /** Puts what a client wrote before into a new connection's calendar. */
    void restore(GXDLMSActivityCalendar calendar) {
        GXDLMSActivityCalendar w = written;
        if (w != null) {
            calendar.setCalendarNamePassive(w.getCalendarNamePassive());
            calendar.setSeasonProfilePassive(w.getSeasonProfilePassive());
            calendar.setWeekProfileTablePassive(w.getWeekProfileTablePassive());
            calendar.setDayProfileTablePassive(w.getDayProfileTablePassive());
            calendar.setTime(w.getTime());
        }
    }

    long writes() {
        return writes.get();
    }

    String passiveName() {
        GXDLMSActivityCalendar w = written;
        return w == null ? null : w.getCalendarNamePassive();
    }
}
