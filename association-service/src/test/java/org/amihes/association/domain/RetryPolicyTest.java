package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.amihes.dlms.failure.Retry;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    final RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(2));

    @Test
    void transientFailuresBackOffExponentiallyUpToTheAttempts() {
        assertThat(policy.pauseBefore(2, Retry.TRANSIENT, 0)).contains(Duration.ofSeconds(2));
        assertThat(policy.pauseBefore(3, Retry.TRANSIENT, 0)).contains(Duration.ofSeconds(4));
        assertThat(policy.pauseBefore(4, Retry.TRANSIENT, 0)).isEmpty();
    }

    @Test
    void jitterAddsAtMostAQuarter() {
        assertThat(policy.pauseBefore(2, Retry.TRANSIENT, 0.999).orElseThrow())
                .isGreaterThan(Duration.ofSeconds(2)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void aLikelyConfigurationCauseIsTriedOnceMoreAndTheRestNever() {
        assertThat(policy.pauseBefore(2, Retry.ONCE, 0)).contains(Duration.ofSeconds(2));
        assertThat(policy.pauseBefore(3, Retry.ONCE, 0)).isEmpty();
        assertThat(policy.pauseBefore(2, Retry.NEVER, 0)).isEmpty();
        assertThat(new RetryPolicy(1, Duration.ofSeconds(2)).pauseBefore(2, Retry.ONCE, 0)).isEmpty();
    }

    @Test
    void atLeastOneAttempt() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
