package org.amihes.association.domain;

import java.time.Duration;
import java.util.Optional;
import org.amihes.dlms.failure.Retry;

/**
 * Whether a failed meter job is tried again, and after how long: by the failure's own {@link Retry} advice, never by
 * its class alone. Transient failures get up to {@code attempts} attempts with exponential back-off; a failure whose
 * likely cause is configuration gets one more; the rest none. Jitter spreads a fleet's retries after a mass outage.
 */
public final class RetryPolicy {

    private final int attempts;
    private final Duration backoff;

    public RetryPolicy(int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** How many attempts a failure with this advice may have, the first included. */
    public int allowed(Retry advice) {
        return switch (advice) {
            case TRANSIENT -> attempts;
            case ONCE -> Math.min(2, attempts);
            case NEVER -> 1;
        };
    }

    /**
     * The pause before attempt {@code next} (2 for the first retry) after a failure with {@code advice}, or empty when
     * there is no such attempt. {@code jitter} in [0, 1) adds up to a quarter of the pause.
     */
    public Optional<Duration> pauseBefore(int next, Retry advice, double jitter) {
        if (next < 2 || next > allowed(advice)) {
            return Optional.empty();
        }
        long base = backoff.toMillis() << Math.min(20, next - 2);
        return Optional.of(Duration.ofMillis(base + (long) (base * 0.25 * jitter)));
    }
}
