package org.amihes.association.domain;

import java.time.Duration;

/**
 * One meter's response timeout, adapted to its measured round-trip times the way TCP sets its retransmission timeout
 * (RFC 6298): a smoothed round trip {@code srtt} and its variation {@code rttvar}, the timeout {@code srtt + k × rttvar}
 * kept within {@code [min, max]}. Before the first measurement the timeout is the configured one; a request left
 * unanswered doubles it (up to {@code max}), so a meter slower than its timeout gets one long enough to be measured
 * (answers after a timeout are never measured). Thread-safe: a meter's sessions run one at a time, on any event loop.
 */
public final class RoundTripEstimator {

    /** The settings every meter's estimator shares. */
    public record Rule(Duration initial, Duration min, Duration max, double k) {
        public Rule {
            if (min.isNegative() || min.compareTo(max) > 0 || k < 0) {
                throw new IllegalArgumentException("need 0 <= min <= max and k >= 0, got min " + min + ", max " + max
                        + ", k " + k);
            }
        }
    }

    /** What the estimator holds now, for the meter API. */
    public record Snapshot(long samples, Double srttMs, Double rttvarMs, long timeoutMs) {
    }

    private static final double ALPHA = 1.0 / 8;
    private static final double BETA = 1.0 / 4;

    private final Rule rule;
    private long samples;
    private double srtt;
    private double rttvar;
    private long timeoutNanos;

    public RoundTripEstimator(Rule rule) {
        this.rule = rule;
        this.timeoutNanos = Math.min(rule.max().toNanos(), rule.initial().toNanos()); // as configured until measured
    }

    /** One request answered after {@code nanos}. */
    public synchronized void sample(long nanos) {
        if (samples == 0) {
            srtt = nanos;
            rttvar = nanos / 2.0;
        } else {
            rttvar = (1 - BETA) * rttvar + BETA * Math.abs(srtt - nanos);
            srtt = (1 - ALPHA) * srtt + ALPHA * nanos;
        }
        samples++;
        timeoutNanos = clamp((long) (srtt + rule.k() * rttvar));
    }

    /** A request went unanswered within {@link #timeout()}: the next one waits twice as long (up to the maximum). */
    public synchronized void timedOut() {
        timeoutNanos = clamp(timeoutNanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : timeoutNanos * 2);
    }

    public synchronized Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(samples, samples == 0 ? null : srtt / 1e6, samples == 0 ? null : rttvar / 1e6,
                timeoutNanos / 1_000_000);
    }

    private long clamp(long nanos) {
        return Math.max(rule.min().toNanos(), Math.min(rule.max().toNanos(), nanos));
    }
}
