package org.amihes.association.commands;

import gurux.dlms.GXDateTime;
import gurux.dlms.GXTime;
import gurux.dlms.objects.GXDLMSActivityCalendar;
import gurux.dlms.objects.GXDLMSDayProfile;
import gurux.dlms.objects.GXDLMSDayProfileAction;
import gurux.dlms.objects.GXDLMSSeasonProfile;
import gurux.dlms.objects.GXDLMSWeekProfile;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.amihes.contracts.TariffState;
import org.amihes.contracts.WriteTariff;
import org.amihes.dlms.DlmsSession;

/**
 * {@link WriteTariff}: reads the passive activity calendar (attributes 6 to 10 of 0.0.13.0.0.255) and, only when it
 * does not hold the tariff already, writes name, season, week and day profiles and the activation time, then reads
 * the activation time back.
 */
@ApplicationScoped
public class WriteTariffHandler implements CommandHandler<WriteTariff> {

    static final String ACTIVITY_CALENDAR = "0.0.13.0.0.255";
    /** The tariffication script table the day profile's actions run (IEC 62056-6-1: 0.0.10.0.100.255). */
    static final String TARIFF_SCRIPTS = "0.0.10.0.100.255";
    static final String SEASON = "TOU";
    static final String WEEK = "TOU";
    static final int DAY_ID = 1;

    @Override
    public Class<WriteTariff> commandClass() {
        return WriteTariff.class;
    }

    @Override
    public String operation() {
        return "TARIFF_WRITE";
    }

    @Override
    public Future<Handled> run(JobContext context, WriteTariff command) {
        DlmsSession session = context.session();
        GXDLMSActivityCalendar read = new GXDLMSActivityCalendar(ACTIVITY_CALENDAR);
        GXDLMSActivityCalendar target = passive(command);
        return passiveAttributes(index -> session.read(read, index)).compose(v -> {
            String before = read.getCalendarNamePassive();
            if (describe(read).equals(describe(target))) {
                return Future.succeededFuture(handled(before, false, activation(read), command));
            }
            GXDLMSActivityCalendar check = new GXDLMSActivityCalendar(ACTIVITY_CALENDAR);
            return passiveAttributes(index -> session.write(target, index))
                    .compose(x -> session.read(check, 10))
                    .map(x -> handled(before, true, activation(check), command));
        });
    }

    /** {@code step} on attributes 6 to 10 (the passive calendar), one after the other. */
    private static Future<Void> passiveAttributes(java.util.function.IntFunction<Future<?>> step) {
        Future<Void> steps = Future.succeededFuture();
        for (int index = 6; index <= 10; index++) {
            int attribute = index;
            steps = steps.compose(x -> step.apply(attribute).mapEmpty());
        }
        return steps;
    }

    /** The passive calendar the command asks for, as Gurux writes it. */
    static GXDLMSActivityCalendar passive(WriteTariff command) {
        GXDLMSActivityCalendar c = new GXDLMSActivityCalendar(ACTIVITY_CALENDAR);
        GXDateTime start = utc(command.activateAt());
        c.setCalendarNamePassive(command.calendarName());
        c.setSeasonProfilePassive(new GXDLMSSeasonProfile[] {new GXDLMSSeasonProfile(SEASON, start, WEEK)});
        GXDLMSWeekProfile week = new GXDLMSWeekProfile();
        week.setName(WEEK);
        week.setMonday(DAY_ID);
        week.setTuesday(DAY_ID);
        week.setWednesday(DAY_ID);
        week.setThursday(DAY_ID);
        week.setFriday(DAY_ID);
        week.setSaturday(DAY_ID);
        week.setSunday(DAY_ID);
        c.setWeekProfileTablePassive(new GXDLMSWeekProfile[] {week});
        List<GXDLMSDayProfileAction> actions = new ArrayList<>();
        for (WriteTariff.Switch s : command.switches()) {
            actions.add(new GXDLMSDayProfileAction(new GXTime(s.time().getHour(), s.time().getMinute(), 0, 0),
                    TARIFF_SCRIPTS, s.tariff()));
        }
        c.setDayProfileTablePassive(new GXDLMSDayProfile[] {
            new GXDLMSDayProfile(DAY_ID, actions.toArray(GXDLMSDayProfileAction[]::new))});
        c.setTime(start);
        return c;
    }

    /** The passive calendar's content, comparable between one read from a meter and one built here ({@link #passive}). */
    static String describe(GXDLMSActivityCalendar c) {
        StringBuilder b = new StringBuilder().append(c.getCalendarNamePassive()).append('|');
        if (c.getSeasonProfilePassive() != null) {
            for (GXDLMSSeasonProfile s : c.getSeasonProfilePassive()) {
                b.append(text(s.getName())).append('@').append(instant(s.getStart())).append('>')
                        .append(text(s.getWeekName())).append(';');
            }
        }
        b.append('|');
        if (c.getWeekProfileTablePassive() != null) {
            for (GXDLMSWeekProfile w : c.getWeekProfileTablePassive()) {
                b.append(text(w.getName())).append(':').append(w.getMonday()).append(w.getTuesday())
                        .append(w.getWednesday()).append(w.getThursday()).append(w.getFriday()).append(w.getSaturday())
                        .append(w.getSunday()).append(';');
            }
        }
        b.append('|');
        if (c.getDayProfileTablePassive() != null) {
            for (GXDLMSDayProfile d : c.getDayProfileTablePassive()) {
                b.append(d.getDayId()).append('[');
                for (GXDLMSDayProfileAction a : d.getDaySchedules()) {
                    GXTime t = a.getStartTime();
                    b.append(t == null ? "?" : t.getMeterCalendar().get(Calendar.HOUR_OF_DAY) + ":"
                                    + t.getMeterCalendar().get(Calendar.MINUTE))
                            .append('>').append(a.getScriptLogicalName()).append('/').append(a.getScriptSelector()).append(',');
                }
                b.append("];");
            }
        }
        return b.append('|').append(instant(c.getTime())).toString();
    }

    private static Instant activation(GXDLMSActivityCalendar c) {
        return instant(c.getTime());
    }

    private static Instant instant(GXDateTime t) {
        return t == null || t.getValue() == null ? null : t.getValue().toInstant();
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.US_ASCII);
    }

    private static GXDateTime utc(Instant at) {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        utc.setTimeInMillis(at.toEpochMilli());
        return new GXDateTime(utc);
    }

    private static Handled handled(String before, boolean written, Instant activateAt, WriteTariff command) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("calendarNameBefore", before == null ? "" : before);
        details.put("calendarName", command.calendarName());
        details.put("switches", command.switches().size());
        details.put("activateAt", command.activateAt().toString());
        details.put("written", written);
        return new Handled(new TariffState(before, written, activateAt), details, List.of());
    }
}
