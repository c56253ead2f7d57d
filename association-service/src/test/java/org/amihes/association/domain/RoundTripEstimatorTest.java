package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RFC 6298's estimator, checked against the RFC's own formulas and bounds. */
class RoundTripEstimatorTest {

    static final RoundTripEstimator.Rule RULE = new RoundTripEstimator.Rule(Duration.ofSeconds(5), Duration.ofMillis(200),
            Duration.ofSeconds(30), 4);

    @Test
    void untilTheMeterAnsweredTheConfiguredTimeoutHoldsThenTheFirstSampleSetsSrttAndHalfOfItAsVariation() {
        RoundTripEstimator e = new RoundTripEstimator(RULE);
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(5));
        e.sample(Duration.ofMillis(100).toNanos());
        // RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 300 ms
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aSteadyMeterAt100Plus20msSettlesNearSrttPlusFourVariationsAndNeverBelowItsAnswers() {
        RoundTripEstimator e = new RoundTripEstimator(new RoundTripEstimator.Rule(Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofSeconds(30), 4)); // no lower bound: the estimate alone
        SplittableRandom random = new SplittableRandom(7);
        int later = 0;
        for (int i = 0; i < 10_000; i++) {
            long ms = 100 + random.nextInt(-20, 21);
            if (i > 100 && Duration.ofMillis(ms).compareTo(e.timeout()) > 0) {
                later++; // this answer would have come after the timeout
            }
            e.sample(Duration.ofMillis(ms).toNanos());
        }
        RoundTripEstimator.Snapshot s = e.snapshot();
        assertThat(s.srttMs()).isBetween(90.0, 110.0);
        assertThat(s.rttvarMs()).isBetween(2.0, 25.0); // mean absolute deviation of a uniform ±20 ms is 10 ms
        assertThat(e.timeout()).isGreaterThan(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(200));
        assertThat(later).as("answers that would have timed out, of 10,000").isLessThan(100);
    }

    @Test
    void boundsHoldAndAnUnansweredRequestDoublesTheTimeoutUpToTheMaximum() {
        RoundTripEstimator e = new RoundTripEstimator(RULE);
        e.sample(Duration.ofMillis(1).toNanos());
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
        e.timedOut();
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(400));
        for (int i = 0; i < 20; i++) {
            e.timedOut();
        }
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(30));
        e.sample(Duration.ofSeconds(10).toNanos()); // a slow meter, now measured: its answers fit
        assertThat(e.timeout()).isGreaterThan(Duration.ofSeconds(10));
    }
}
