package org.amihes.polling.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When schedules are due: pure logic, expected values worked out by hand from the calendar. */
class TimingTest {

    static final Instant T0 = Instant.parse("2026-03-28T23:50:00Z");

    @Test
    void anIntervalKeepsItsPhaseAndAfterDowntimeIsDueOnceAtTheNextBoundary() {
        Timing.Every every = new Timing.Every(Duration.ofMinutes(15), T0);
        assertThat(every.nextAfter(T0)).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(every.nextAfter(T0.plusSeconds(1))).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        // a day and 7 minutes down: the next fire is the first boundary after now, not the 97 missed ones
        Instant now = T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(7));
        assertThat(every.nextAfter(now)).isEqualTo(T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(15)));
        assertThat(every.nextAfter(T0.minusSeconds(5))).isEqualTo(T0);
    }

    @Test
    void cronIsUnixFiveFieldsInItsTimeZoneAcrossASummerTimeChange() {
        // 29 March 2026: Berlin goes from UTC+1 to UTC+2 at 01:00 UTC
        Timing.CronTiming daily = Timing.cron("0 3 * * *", "Europe/Berlin", T0);
        Instant first = daily.nextAfter(T0);
        assertThat(first).isEqualTo(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
        assertThat(daily.nextAfter(first)).isEqualTo(Instant.parse("2026-03-30T01:00:00Z"));
        Timing.CronTiming quarter = Timing.cron("*/15 * * * *", "UTC", T0);
        assertThat(quarter.nextAfter(T0)).isEqualTo(Instant.parse("2026-03-29T00:00:00Z"));
        Timing.CronTiming leap = Timing.cron("0 0 29 2 *", "UTC", T0);
        assertThat(leap.nextAfter(T0)).isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
    }

    @Test
    void impossibleOrMalformedCronIsRefusedNamingTheField() {
        for (String never : new String[] {"0 0 30 2 *", "0 0 31 4 *", "0 0 31 11 *"}) {
            assertThatThrownBy(() -> Timing.cron(never, "UTC", T0)).isInstanceOf(Timing.Invalid.class)
                    .hasMessageContaining("never fires").satisfies(e -> assertThat(((Timing.Invalid) e).field()).isEqualTo("cron"));
        }
        for (String bad : new String[] {"61 * * * *", "* * * *", "0 0 * * 8", "every day", "0 0 0 * * ?"}) {
            assertThatThrownBy(() -> Timing.cron(bad, "UTC", T0)).isInstanceOf(Timing.Invalid.class)
                    .hasMessageContaining("is not a cron expression");
        }
        assertThatThrownBy(() -> Timing.cron("0 0 * * *", "Mars/Olympus", T0)).isInstanceOf(Timing.Invalid.class)
                .satisfies(e -> assertThat(((Timing.Invalid) e).field()).isEqualTo("timeZone"));
        assertThatThrownBy(() -> new Timing.Every(Duration.ZERO, T0)).isInstanceOf(Timing.Invalid.class);
    }
}
