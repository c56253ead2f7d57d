package org.amihes.association.domain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.amihes.contracts.JobPriority;

/**
 * Admission control for meter sessions, whoever asks (broker jobs, commands, interoperability runs): at most
 * {@code permits} sessions open at once, and new sessions started at most {@code ratePerSecond} per second on average
 * with bursts of {@code burst} (a token bucket), so a backlog after an outage or a broadcast storm does not open
 * thousands of associations in the same instant. Work that has to wait is admitted by {@link JobPriority}, oldest first
 * within one priority: on-demand reads and commands before scheduled reads. Non-blocking: a caller over a bound gets a
 * future that starts its work when a session ends or a token is due ({@link Wakeups}).
 */
public final class Admission {

    /** Runs a task after a pause (Vert.x timers in the service, a hand-driven clock in tests). */
    @FunctionalInterface
    public interface Wakeups {
        void after(long nanos, Runnable task);
    }

    private final int permits;
    private final double ratePerNano;
    private final double burst;
    private final LongSupplier clock;
    private final Wakeups wakeups;
    private int inUse;
    private double tokens;
    private long refilledAt;
    private boolean wakeupPending;
    private final ByPriority<Promise<Void>> waiting = new ByPriority<>();
    private boolean closed;
    private final Promise<Void> idle = Promise.promise();

    /** Work refused because admission was closed (the service is stopping): it never touched a meter. */
    public static final class Closed extends RuntimeException {
        public Closed() {
            super("admission closed: the service is stopping", null, false, false);
        }
    }

    /** Only the bound on sessions open at once (no rate bound). */
    public Admission(int permits) {
        this(permits, 0, 1, System::nanoTime, (nanos, task) -> {
            throw new IllegalStateException("no rate bound, no wake-ups");
        });
    }

    /**
     * @param ratePerSecond new sessions per second on average; 0 for no rate bound
     * @param burst         new sessions that may start at once after a quiet spell (the bucket's size), at least 1
     */
    public Admission(int permits, double ratePerSecond, int burst, LongSupplier nanoClock, Wakeups wakeups) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        if (ratePerSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("the rate must not be negative and the burst at least 1, got "
                    + ratePerSecond + "/s and " + burst);
        }
        this.permits = permits;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.clock = nanoClock;
        this.wakeups = wakeups;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    /** Runs {@code work} at {@link JobPriority#ON_DEMAND}. */
    public <T> Future<T> run(Supplier<Future<T>> work) {
        return run(JobPriority.ON_DEMAND, work);
    }

    /** Runs {@code work} once admitted and returns the permit when the work's future completes. */
    public <T> Future<T> run(JobPriority priority, Supplier<Future<T>> work) {
        return acquire(priority).compose(v -> {
            Future<T> result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            return result.andThen(ar -> release());
        });
    }

    public synchronized int inUse() {
        return inUse;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Stops admitting work: work still waiting fails with {@link Closed} (it never started), later work too. The
     * returned future completes once the sessions already running have ended.
     */
    public Future<Void> close() {
        List<Promise<Void>> refused;
        synchronized (this) {
            closed = true;
            refused = waiting.drain();
            if (inUse == 0) {
                idle.tryComplete();
            }
        }
        refused.forEach(p -> p.fail(new Closed()));
        return idle.future();
    }

    private Future<Void> acquire(JobPriority priority) {
        Promise<Void> p = Promise.promise();
        synchronized (this) {
            if (closed) {
                return Future.failedFuture(new Closed());
            }
            waiting.add(priority, p);
        }
        admit();
        return p.future();
    }

    private void release() {
        synchronized (this) {
            inUse--;
            if (closed && inUse == 0) {
                idle.tryComplete();
            }
        }
        admit();
    }

    /** Admits waiting work, most urgent first, while a session is free and a token is there. */
    private void admit() {
        List<Promise<Void>> admitted = new ArrayList<>();
        long wakeIn = -1;
        synchronized (this) {
            while (waiting.size() > 0 && inUse < permits) {
                if (!takeToken()) {
                    if (!wakeupPending) {
                        wakeupPending = true;
                        wakeIn = (long) Math.ceil((1 - tokens) / ratePerNano);
                    }
                    break;
                }
                inUse++;
                admitted.add(waiting.poll());
            }
        }
        if (wakeIn >= 0) {
            wakeups.after(wakeIn, () -> {
                synchronized (this) {
                    wakeupPending = false;
                }
                admit();
            });
        }
        admitted.forEach(Promise::complete); // outside the lock: completing runs the work
    }

    private boolean takeToken() {
        if (ratePerNano == 0) {
            return true;
        }
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
