package org.amihes.association.domain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * Admission control: at most {@code permits} meter sessions open at once, whoever asks (broker jobs, commands).
 * Non-blocking: a caller over the limit gets a future that starts its work when a session ends.
 */
public final class Admission {

    private final int permits;
    private int inUse;
    private final Queue<Promise<Void>> waiting = new ArrayDeque<>();
    private boolean closed;
    private final Promise<Void> idle = Promise.promise();

    /** Work refused because admission was closed (the service is stopping): it never touched a meter. */
    public static final class Closed extends RuntimeException {
        public Closed() {
            super("admission closed: the service is stopping", null, false, false);
        }
    }

    public Admission(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        this.permits = permits;
    }

    /** Runs {@code work} once a permit is free and returns the permit when the work's future completes. */
    public <T> Future<T> run(Supplier<Future<T>> work) {
        return acquire().compose(v -> {
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
        java.util.List<Promise<Void>> refused;
        synchronized (this) {
            closed = true;
            refused = new java.util.ArrayList<>(waiting);
            waiting.clear();
            if (inUse == 0) {
                idle.tryComplete();
            }
        }
        refused.forEach(p -> p.fail(new Closed()));
        return idle.future();
    }

    private synchronized Future<Void> acquire() {
        if (closed) {
            return Future.failedFuture(new Closed());
        }
        if (inUse < permits) {
            inUse++;
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        waiting.add(p);
        return p.future();
    }

    private void release() {
        Promise<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inUse--;
                if (closed && inUse == 0) {
                    idle.tryComplete();
                }
                return;
            }
        }
        next.complete(); // the permit passes straight to the next waiter
    }
}
