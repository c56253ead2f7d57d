package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MeterLivenessTest {

    static final MeterLiveness.Rule RULE = new MeterLiveness.Rule(3, Duration.ofMinutes(10), Duration.ofSeconds(1),
            Duration.ofSeconds(30));
    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void offlineOnlyAfterTheFailuresInARowAndTheSpanThenOnceAndOnlineAtTheNextAnswer() {
        MeterLiveness m = new MeterLiveness(RULE);
        assertThat(m.failed(T0, "DLMS-105")).isFalse();
        assertThat(m.failed(T0.plusSeconds(60), "DLMS-105")).isFalse();
        assertThat(m.failed(T0.plusSeconds(120), "DLMS-105")).as("3 failures but within 2 minutes").isFalse();
        assertThat(m.failed(T0.plusSeconds(600), "DLMS-102")).as("the 4th, 10 minutes after the first").isTrue();
        assertThat(m.snapshot().state()).isEqualTo(MeterLiveness.State.OFFLINE);
        assertThat(m.snapshot().consecutiveFailures()).isEqualTo(4);
        assertThat(m.snapshot().firstFailure()).isEqualTo(T0);
        assertThat(m.failed(T0.plusSeconds(900), "DLMS-102")).as("marked once").isFalse();
        assertThat(m.answered()).as("back online: to be written").isTrue();
        assertThat(m.answered()).as("already known online").isFalse();
        assertThat(m.snapshot().consecutiveFailures()).isZero();
    }

    @Test
    void anAnswerBetweenFailuresStartsTheCountAgain() {
        MeterLiveness m = new MeterLiveness(new MeterLiveness.Rule(2, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThat(m.failed(T0, "x")).isFalse();
        m.answered();
        assertThat(m.failed(T0.plusSeconds(1), "x")).isFalse();
        assertThat(m.failed(T0.plusSeconds(2), "x")).isTrue();
    }

    @Test
    void theNextSessionWaitsADoublingPauseWithJitterFromTheLastFailure() {
        MeterLiveness m = new MeterLiveness(RULE);
        assertThat(m.pause(T0, 0.5)).isZero();
        m.failed(T0, "x");
        assertThat(m.pause(T0, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.pause(T0, 0.999)).isGreaterThan(Duration.ofSeconds(1)).isLessThan(Duration.ofMillis(1_250));
        assertThat(m.pause(T0.plusMillis(400), 0)).isEqualTo(Duration.ofMillis(600));
        m.failed(T0, "x");
        m.failed(T0, "x");
        assertThat(m.pause(T0, 0)).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 40; i++) {
            m.failed(T0, "x");
        }
        assertThat(m.pause(T0, 0)).isEqualTo(Duration.ofSeconds(30));
        m.answered();
        assertThat(m.pause(T0, 0)).isZero();
    }
}
