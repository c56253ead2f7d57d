package org.amihes.association.domain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.amihes.contracts.JobPriority;

/**
 * How many jobs a replica has taken out of their messages at once: the broker's prefetch counts messages (1 to 100
 * jobs each), so without this bound one replica would start every job of a large read at once, each waiting for a
 * session with its chain of futures on the heap (78,000 of them, 60 % of a 512 MiB heap, in a 100,000-meter
 * benchmark). A message's jobs start together once they fit under the limit (a message alone may exceed it), and each
 * job gives its place back when it ends. Messages that wait start by {@link JobPriority} of their most urgent job,
 * oldest first within one priority; a message never overtakes an older one of its priority, so a large one is not
 * starved by small ones. Thread-safe; admitted work is started outside the lock.
 */
public final class JobWindow {

    private record Waiting(int jobs, Promise<Void> admitted) {
    }

    private final int limit;
    private final ByPriority<Waiting> waiting = new ByPriority<>();
    private int held;
    private boolean closed;

    public JobWindow(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the window must hold at least 1 job, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Completes when the message's {@code jobs} may start; each must then be given back with {@link #release}. Fails
     * with {@link Admission.Closed} once the window is closed (the message never started).
     */
    public Future<Void> take(int jobs, JobPriority priority) {
        if (jobs < 1) {
            throw new IllegalArgumentException("a message carries at least 1 job, got " + jobs);
        }
        Promise<Void> p = Promise.promise();
        synchronized (this) {
            if (closed) {
                return Future.failedFuture(new Admission.Closed());
            }
            waiting.add(priority, new Waiting(jobs, p));
        }
        admit();
        return p.future();
    }

    /** One job that {@link #take} admitted ended. */
    public void release() {
        release(1);
    }

    /** {@code jobs} places that {@link #take} admitted are given back at once (a message that never started). */
    public void release(int jobs) {
        synchronized (this) {
            if (jobs < 1 || held < jobs) {
                throw new IllegalStateException(jobs + " jobs released of the " + held + " the window holds");
            }
            held -= jobs;
        }
        admit();
    }

    /** Admits no message any more: those waiting fail with {@link Admission.Closed} (the service is stopping). */
    public void close() {
        List<Waiting> refused;
        synchronized (this) {
            closed = true;
            refused = waiting.drain();
        }
        refused.forEach(w -> w.admitted().fail(new Admission.Closed()));
    }

    public int limit() {
        return limit;
    }

    public synchronized int held() {
        return held;
    }

    public synchronized int waitingMessages() {
        return waiting.size();
    }

    private void admit() {
        List<Promise<Void>> admitted = new ArrayList<>();
        synchronized (this) {
            Waiting next;
            while ((next = waiting.peek()) != null && (held == 0 || held + next.jobs() <= limit)) {
                waiting.poll();
                held += next.jobs();
                admitted.add(next.admitted());
            }
        }
        admitted.forEach(Promise::complete);
    }
}
