package org.amihes.association.domain;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.dlms.InvocationCounterStore;

/**
 * Invocation counters served from windows reserved in a durable store, so a session costs no round trip to it.
 * Windows never overlap and each starts above everything reserved before, so counters left unused in memory when
 * the process stops are skipped, never repeated: a meter accepts a jump, it only refuses a counter that does not
 * increase.
 */
public final class InvocationCounterWindows implements InvocationCounterStore {

    /** Where windows come from: one reservation returns counters [first, limit) for this process alone. */
    public interface Reservations {
        Future<Window> reserve(String meterId, String keyId, long atLeast, int count);
    }

    public record Window(long first, long limit) {
    }

    /** What is left of a window in memory; replaced whole, so event loops never share a mutable object. */
    private record Remaining(long next, long limit) {
    }

    private final Map<String, Remaining> windows = new ConcurrentHashMap<>();
    private final Reservations reservations;
    private final int windowSize;
    private final int headroom;

    /**
     * @param windowSize counters per reservation
     * @param headroom   counters a session may need: a window with fewer left is replaced before the session starts
     */
    public InvocationCounterWindows(Reservations reservations, int windowSize, int headroom) {
        if (headroom < 1 || windowSize < headroom) {
            throw new IllegalArgumentException("need 1 <= headroom (" + headroom + ") <= window size (" + windowSize + ")");
        }
        this.reservations = reservations;
        this.windowSize = windowSize;
        this.headroom = headroom;
    }

    @Override
    public Future<Long> next(String meterId, String keyId) {
        String key = meterId + '/' + keyId;
        Remaining w = windows.get(key);
        if (w != null && w.limit() - w.next() >= headroom) {
            return Future.succeededFuture(w.next());
        }
        return reserve(key, meterId, keyId, w == null ? 1 : w.next()).map(Remaining::next);
    }

    @Override
    public Future<Void> advance(String meterId, String keyId, long next) {
        String key = meterId + '/' + keyId;
        Remaining w = windows.get(key);
        if (w != null && next <= w.limit()) {
            windows.put(key, new Remaining(Math.max(w.next(), next), w.limit()));
            return Future.succeededFuture();
        }
        // Past the window: a long session (an image transfer) or a counter resynchronised from the meter. The
        // store must learn it now, or a restart would hand out counters the meter has already seen.
        return reserve(key, meterId, keyId, next).mapEmpty();
    }

    private Future<Remaining> reserve(String key, String meterId, String keyId, long atLeast) {
        return reservations.reserve(meterId, keyId, atLeast, windowSize).map(window -> {
            if (window.first() < atLeast || window.limit() - window.first() != windowSize) {
                // never use a window the store got wrong: a repeated counter would be refused or, worse, replayable
                throw new IllegalStateException("counter store answered [" + window.first() + ", " + window.limit()
                        + ") for " + windowSize + " counters from " + atLeast + " (meter " + meterId + ", key " + keyId + ")");
            }
            Remaining fresh = new Remaining(window.first(), window.limit());
            windows.put(key, fresh);
            return fresh;
        });
    }
}
