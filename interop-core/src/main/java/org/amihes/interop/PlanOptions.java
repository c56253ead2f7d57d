package org.amihes.interop;

import java.time.Clock;
import java.time.Duration;

/**
 * How the plan runs.
 *
 * @param latencyBudget  the longest a GET may take to be answered (case transport.latency)
 * @param latencySamples how many GETs transport.latency times
 * @param allowWrites    whether cases that operate the meter may run (idempotency.disconnect switches the relay
 *                       and switches it back; idempotency.firmware-rewrite starts an image transfer the meter must
 *                       refuse); without, they are SKIPPED saying so
 * @param clock          the head-end's clock (the meter's clock deviation is reported against it)
 */
public record PlanOptions(Duration latencyBudget, int latencySamples, boolean allowWrites, Clock clock) {

    public static final PlanOptions DEFAULTS = new PlanOptions(Duration.ofSeconds(2), 5, false, Clock.systemUTC());

    public PlanOptions {
        if (latencyBudget.isNegative() || latencyBudget.isZero()) {
            throw new IllegalArgumentException("latencyBudget must be positive");
        }
        if (latencySamples < 1 || latencySamples > 100) {
            throw new IllegalArgumentException("latencySamples must be 1..100");
        }
    }

    public PlanOptions withAllowWrites(boolean allow) {
        return new PlanOptions(latencyBudget, latencySamples, allow, clock);
    }

    public PlanOptions withLatencyBudget(Duration budget) {
        return new PlanOptions(budget, latencySamples, allowWrites, clock);
    }

    public PlanOptions withClock(Clock newClock) {
        return new PlanOptions(latencyBudget, latencySamples, allowWrites, newClock);
    }
}
