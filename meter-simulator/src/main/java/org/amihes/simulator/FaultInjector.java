package org.amihes.simulator;

import io.vertx.core.Vertx;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends one session's answers through the injected {@link Faults}: drop, loss, malformation, delay. Each answer
 * draws the same four numbers from the session's random sequence whatever the probabilities, so the faults a
 * session sees depend only on its seed and its traffic. Delays are Vert.x timers; answers leave in order.
 */
final class FaultInjector {

    private final Vertx vertx;
    private final SplittableRandom random;
    private final VendorProfile profile;
    private final Supplier<Faults> faults;
    private final int loseAnswer;
    private final boolean hangAfterLost;
    private int answers;
    private long lastDueNanos;
    private int pending;

    FaultInjector(Vertx vertx, long seed, VendorProfile profile, Supplier<Faults> faults) {
        this(vertx, seed, profile, faults, -1, false);
    }

    /**
     * @param loseAnswer    the index (from 0) of one answer this session never sends, or -1
     * @param hangAfterLost from that answer on, send none at all (a hung association: the connection stays open)
     */
    FaultInjector(Vertx vertx, long seed, VendorProfile profile, Supplier<Faults> faults, int loseAnswer,
                  boolean hangAfterLost) {
        this.vertx = vertx;
        this.loseAnswer = loseAnswer;
        this.hangAfterLost = hangAfterLost;
        this.random = new SplittableRandom(seed);
        this.profile = profile;
        this.faults = faults;
    }

    /** Seed of one session: the fleet seed, the meter and which of its sessions this is. */
    static long seed(long fleetSeed, String meterId, long session) {
        return fleetSeed * 0x9E37_79B9_7F4A_7C15L + meterId.hashCode() * 0xBF58_476D_1CE4_E5B9L + session;
    }

    /**
     * @param send  writes an answer on the session's socket
     * @param drop  closes the connection (or forgets the UDP association)
     */
    void answer(byte[] reply, Consumer<byte[]> send, Runnable drop) {
        Faults f = faults.get();
        double dropDraw = random.nextDouble();
        double lossDraw = random.nextDouble();
        double malformedDraw = random.nextDouble();
        double gaussian = random.nextGaussian();
        int index = answers++;
        if (index == loseAnswer || (hangAfterLost && loseAnswer >= 0 && index > loseAnswer)) {
            return;
        }
        if (dropDraw < f.dropProbability()) {
            drop.run();
            return;
        }
        if (lossDraw < f.lossProbability()) {
            return;
        }
        byte[] out = malformedDraw < f.malformedProbability() ? Frames.corrupt(reply, profile.framing()) : reply;
        double delayMs = profile.responseDelayMs() + Math.max(0, f.latencyMeanMs() + f.latencyStdDevMs() * gaussian);
        long now = System.nanoTime();
        long due = Math.max(now + (long) (delayMs * 1_000_000), lastDueNanos);
        lastDueNanos = due;
        if (due <= now && pending == 0) {
            send.accept(out);
            return;
        }
        pending++;
        vertx.setTimer(Math.max(1, (due - now + 999_999) / 1_000_000), t -> {
            pending--;
            send.accept(out);
        });
    }
}
