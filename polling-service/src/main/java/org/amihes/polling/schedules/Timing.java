package org.amihes.polling.schedules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a schedule is due: every fixed period (counted from an anchor, so fires keep their phase) or by a cron
 * expression in the Unix dialect (five fields: minute hour day-of-month month day-of-week; {@code *}, lists, ranges,
 * steps; parsed by cron-utils) in a time zone. {@link #nextAfter} is the next due time strictly after a time: after
 * downtime a schedule is due once, at the first time after "now", never once per missed period.
 */
public sealed interface Timing {

    Instant nextAfter(Instant t);

    /** A cron expression that cannot be used; {@code field} is the request field to name. */
    final class Invalid extends IllegalArgumentException {
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    record Every(Duration period, Instant anchor) implements Timing {
        public Every {
            if (period.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new Invalid("everySeconds", "must be at least 1");
            }
        }

        @Override
        public Instant nextAfter(Instant t) {
            if (t.isBefore(anchor)) {
                return anchor;
            }
            long periods = Duration.between(anchor, t).toMillis() / period.toMillis() + 1;
            return anchor.plusMillis(periods * period.toMillis());
        }
    }

    record CronTiming(String expression, ZoneId zone, ExecutionTime execution) implements Timing {
        @Override
        public Instant nextAfter(Instant t) {
            return execution.nextExecution(t.atZone(zone)).map(z -> z.toInstant())
                    .orElseThrow(() -> new IllegalStateException("cron '" + expression + "' has no next time"));
        }
    }

    CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** Parses and checks a cron expression: it must parse, and name a time that comes (not 30 February). */
    static CronTiming cron(String expression, String zoneId, Instant now) {
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new Invalid("timeZone", "'" + zoneId + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        Cron cron;
        try {
            cron = UNIX.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw new Invalid("cron", "'" + expression + "' is not a cron expression (minute hour day-of-month month "
                    + "day-of-week): " + e.getMessage());
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        Optional<?> next = execution.nextExecution(now.atZone(zone));
        if (next.isEmpty()) {
            throw new Invalid("cron", "'" + expression + "' never fires: it names a day no month has (e.g. 30 February)");
        }
        return new CronTiming(expression, zone, execution);
    }
}
