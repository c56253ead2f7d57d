package org.amihes.association.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether one meter answers, judged over its jobs (not over the attempts inside a job, which {@link RetryPolicy}
 * handles): it is marked offline only after {@link Rule#failures()} jobs in a row failed for NETWORK reasons, the
 * first and the last at least {@link Rule#span()} apart, and it is back online at its next job that reached it. While
 * its jobs keep failing, its next session waits a pause that doubles per failed job (with up to a quarter of jitter, so
 * a cell of meters that went down together does not come back in one burst), measured from the last failure.
 * Thread-safe (a meter's jobs run one at a time, on any event loop).
 */
public final class MeterLiveness {

    /** The offline rule and the per-meter back-off, shared by every meter. */
    public record Rule(int failures, Duration span, Duration backoff, Duration maxBackoff) {
        public Rule {
            if (failures < 1 || span.isNegative() || backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
                throw new IllegalArgumentException("need failures >= 1, span >= 0 and 0 <= backoff <= maxBackoff");
            }
        }
    }

    /** What this replica knows: {@code UNCONFIRMED} until a job's outcome was written where every replica sees it. */
    public enum State { UNCONFIRMED, ONLINE, OFFLINE }

    /** What the meter API shows of it. */
    public record Snapshot(State state, int consecutiveFailures, Instant firstFailure, Instant lastFailure,
                           String lastFailureText) {
    }

    private final Rule rule;
    private State state = State.UNCONFIRMED;
    private int consecutive;
    private Instant firstFailure;
    private Instant lastFailure;
    private String lastFailureText;

    public MeterLiveness(Rule rule) {
        this.rule = rule;
    }

    /** A job failed for a NETWORK reason. True when this failure marks the meter offline (once, until it is back). */
    public synchronized boolean failed(Instant at, String what) {
        consecutive++;
        if (consecutive == 1) {
            firstFailure = at;
        }
        lastFailure = at;
        lastFailureText = what;
        if (state != State.OFFLINE && consecutive >= rule.failures()
                && Duration.between(firstFailure, at).compareTo(rule.span()) >= 0) {
            state = State.OFFLINE;
            return true;
        }
        return false;
    }

    /**
     * A job reached the meter (it answered, even with a refusal). True when that must be written down: the meter was
     * marked offline, or this replica does not know yet whether another one marked it.
     */
    public synchronized boolean answered() {
        consecutive = 0;
        firstFailure = null;
        boolean confirm = state != State.ONLINE;
        state = State.ONLINE;
        return confirm;
    }

    /**
     * The write of what {@link #answered()} or {@link #failed} decided failed: the next answer confirms again, the next
     * failure within the rule marks again.
     */
    public synchronized void unconfirmed() {
        state = State.UNCONFIRMED;
    }

    /** How long the meter's next session waits, at {@code now}; {@code jitter} in [0, 1). */
    public synchronized Duration pause(Instant now, double jitter) {
        if (consecutive == 0) {
            return Duration.ZERO;
        }
        long base = rule.backoff().toMillis() << Math.min(30, consecutive - 1);
        long full = Math.min(rule.maxBackoff().toMillis(), base);
        full += (long) (full * 0.25 * jitter);
        long left = full - Duration.between(lastFailure, now).toMillis();
        return left <= 0 ? Duration.ZERO : Duration.ofMillis(left);
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(state, consecutive, firstFailure, lastFailure, lastFailureText);
    }
}
