package org.amihes.association.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amihes.association.domain.RecentResults;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ProfileChannel;
import org.amihes.contracts.ProfileInterval;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.ReadProfile;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;
import org.junit.jupiter.api.Test;

/**
 * The results association-service keeps in memory to answer redelivered jobs without a session. Found by the
 * 100,000-meter profile-day benchmark: the cache held its last 50,000 results whatever they held, so after about
 * 15,000 days of 15-minute profile (96 intervals each) association-service ran out of its 512 MiB heap mid-batch.
 */
class RecentJobResultsTest {

    private static final Instant DAY = Instant.parse("2026-12-05T00:00:00Z");

    @Test
    void daysOfLoadProfileAreHeldUpToTheValueBoundNotTheCount() {
        RecentResults<MeterJobResult> recent = JobConsumer.recentResults();
        int days = 20_000;
        for (int i = 0; i < days; i++) {
            recent.remember(jobId(i), profileDay(i));
        }
        long perDay = 1 + 2 + 96 * 3; // the result, two channels, 96 rows of a capture time and two values
        assertThat(JobConsumer.valuesHeld(profileDay(0))).isEqualTo(perDay);
        assertThat(recent.weight()).isLessThanOrEqualTo(JobConsumer.RECENT_VALUES);
        assertThat(recent.size()).isEqualTo((int) (JobConsumer.RECENT_VALUES / perDay));
        assertThat(recent.find(jobId(days - 1))).isPresent();
        assertThat(recent.find(jobId(days - recent.size()))).isPresent();
        assertThat(recent.find(jobId(days - recent.size() - 1))).isEmpty();
    }

    @Test
    void registerReadsAreHeldUpToTheCount() {
        RecentResults<MeterJobResult> recent = JobConsumer.recentResults();
        int reads = JobConsumer.RECENT_RESULTS + 10_000;
        for (int i = 0; i < reads; i++) {
            recent.remember(jobId(i), registerRead(i));
        }
        assertThat(recent.size()).isEqualTo(JobConsumer.RECENT_RESULTS);
        assertThat(recent.find(jobId(reads - JobConsumer.RECENT_RESULTS))).isPresent();
        assertThat(recent.find(jobId(reads - JobConsumer.RECENT_RESULTS - 1))).isEmpty();
    }

    private static String jobId(int i) {
        return "batch/M" + i;
    }

    private static MeterJobResult profileDay(int i) {
        List<ProfileInterval> rows = new ArrayList<>(96);
        for (int q = 0; q < 96; q++) {
            rows.add(new ProfileInterval(DAY.plusSeconds(900L * (q + 1)), 0L,
                    List.of(BigDecimal.valueOf(1000L * i + q), BigDecimal.valueOf(q))));
        }
        ProfileIntervals day = new ProfileIntervals("1.0.99.1.0.255", 900,
                List.of(new ProfileChannel(2, 3, "1.0.1.8.0.255", 2, 0, "Wh"),
                        new ProfileChannel(3, 3, "1.0.2.8.0.255", 2, 0, "Wh")), rows);
        return new MeterJobResult(jobId(i), "batch", "M" + i, ReadProfile.TYPE, MeterJobResult.Status.OK,
                DAY.plusSeconds(86_400), "public", day, null);
    }

    private static MeterJobResult registerRead(int i) {
        RegisterReadings read = new RegisterReadings(DAY, List.of(new RegisterValue("1.0.1.8.0.255",
                BigDecimal.valueOf(i), 0, "Wh", BigDecimal.valueOf(i))));
        return new MeterJobResult(jobId(i), "batch", "M" + i, ReadRegisters.TYPE, MeterJobResult.Status.OK, DAY,
                "public", read, null);
    }
}
