package org.amihes.polling.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GapsTest {

    static final Instant DAY = Instant.parse("2026-08-31T00:00:00Z");

    static List<Instant> every(Instant from, Instant to, long period) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(period)) {
            out.add(t);
        }
        return out;
    }

    @Test
    void aFullDayHasNoGapAnd96Captures() {
        Instant end = DAY.plusSeconds(86_400);
        assertThat(Gaps.expected(DAY, end, 900)).isEqualTo(96);
        assertThat(Gaps.expected(DAY, end, 1800)).isEqualTo(48);
        assertThat(Gaps.find(DAY, end, 900, every(DAY, end, 900))).isEmpty();
    }

    @Test
    void aMissingHourIsOneGapOfFourCapturesEndingAtTheNextStoredOne() {
        Instant end = DAY.plusSeconds(86_400);
        List<Instant> stored = every(DAY, end, 900);
        stored.removeIf(t -> !t.isBefore(DAY.plusSeconds(12 * 3600)) && t.isBefore(DAY.plusSeconds(13 * 3600)));
        assertThat(Gaps.find(DAY, end, 900, stored)).containsExactly(
                new Gaps.Gap(DAY.plusSeconds(12 * 3600), DAY.plusSeconds(13 * 3600), 4));
    }

    @Test
    void gapsAtBothEndsAndUnalignedBoundsFollowTheCapturePeriod() {
        Instant from = DAY.plusSeconds(60);             // first capture expected at 00:30 for a 30-minute profile
        Instant to = DAY.plusSeconds(3 * 3600 + 60);    // last at 03:00
        List<Instant> stored = List.of(DAY.plusSeconds(3600), DAY.plusSeconds(5400));
        assertThat(Gaps.expected(from, to, 1800)).isEqualTo(6);
        assertThat(Gaps.find(from, to, 1800, stored)).containsExactly(
                new Gaps.Gap(DAY.plusSeconds(1800), DAY.plusSeconds(3600), 1),
                new Gaps.Gap(DAY.plusSeconds(7200), DAY.plusSeconds(3 * 3600 + 1800), 3));
    }
}
