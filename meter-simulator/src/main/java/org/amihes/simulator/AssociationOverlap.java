package org.amihes.simulator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The most associations one meter had at once, as a client caused them. A connection's close and the next
 * connection's accept are seen on different event loops, in either order: a client that closed one connection before
 * opening the next (its FIN on the wire before the next SYN) could look like two at once if the count trusted the
 * order the simulator saw them in. So a later association overlaps an earlier one only when the earlier one, neither
 * released nor closed at the later one's accept, either receives a request after that accept (counted at once: a
 * client answered on the earlier one before it could have sent that request) or is still open {@link #GRACE_MS}
 * later (a connection held open while another works: counted then). Thread-safe.
 */
final class AssociationOverlap {

    /** Longer than an event loop on a loaded machine takes to see a close that was already on the wire. */
    static final long GRACE_MS = 2_000;

    private final Set<Association> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicLong ticks = new AtomicLong();

    /** One connection's association, from its accept until its release response (RLRE) or its close. */
    final class Association {
        private final long acceptedAt;
        private volatile long lastRequest;
        private volatile boolean ended;

        private Association(long acceptedAt) {
            this.acceptedAt = acceptedAt;
        }

        /**
         * A request arrived on this association. When a later one was accepted meanwhile and is not over, the client
         * works in both: every association open now counts at once (no waiting for the grace).
         */
        void request() {
            lastRequest = ticks.incrementAndGet();
            if (live.stream().anyMatch(x -> x != this && !x.ended && x.acceptedAt > acceptedAt)) {
                most.accumulateAndGet((int) live.stream().filter(x -> !x.ended).count(), Math::max);
            }
        }

        /** Released (RLRE sent) or closed, whichever came first; later calls do nothing. */
        void ended() {
            ended = true;
            live.remove(this);
        }
    }

    /**
     * A connection was accepted. When others look open, {@code later} is handed the check to run {@link #GRACE_MS}
     * from now.
     */
    Association opened(Consumer<Runnable> later) {
        Association a = new Association(ticks.incrementAndGet());
        List<Association> earlier = live.stream().filter(e -> !e.ended).toList();
        live.add(a);
        most.accumulateAndGet(1, Math::max);
        if (!earlier.isEmpty()) {
            later.accept(() -> {
                int overlapping = (int) earlier.stream().filter(e -> !e.ended || e.lastRequest > a.acceptedAt).count();
                if (overlapping > 0) {
                    most.accumulateAndGet(1 + overlapping, Math::max);
                }
            });
        }
        return a;
    }

    int most() {
        return most.get();
    }
}
