package org.amihes.security.rotation;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.security.keys.KeyStore;
import org.amihes.security.keys.KeysConfig;
import org.jboss.logging.Logger;

/**
 * Makes and sends the new versions of the meters a rotation listed PREPARING, {@value #CHUNK} meters per claim
 * ({@link KeyStore#preparing}: replicas claim different rows; a claim whose work fails, the broker away for instance,
 * rolls back and waits for the next pass). One thread, as the HSM session is one: runs when {@link #wake()}d (a
 * rotation was just listed), at start (the work a stopped process left) and every {@code interval}.
 */
@ApplicationScoped
public class RotationPreparer {

    private static final Logger LOG = Logger.getLogger(RotationPreparer.class);
    static final int CHUNK = 1_000;

    private final KeyStore store;
    private final KeyRotations rotations;
    private final Duration interval;
    private final AtomicBoolean again = new AtomicBoolean();
    private ScheduledExecutorService worker;

    public RotationPreparer(KeyStore store, KeyRotations rotations, KeysConfig config) {
        this.store = store;
        this.rotations = rotations;
        this.interval = config.rotationInterval();
    }

    void onStart(@Observes StartupEvent event) {
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rotation-preparer"));
        worker.scheduleWithFixedDelay(this::drain, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** A rotation was listed: prepare it now rather than at the next pass. */
    public void wake() {
        if (worker != null && !again.getAndSet(true)) {
            worker.execute(this::drain);
        }
    }

    /** Claims and prepares chunks until none waits (or one fails: the next pass tries it again). */
    void drain() {
        again.set(false);
        try {
            while (store.preparing(CHUNK, rotations::prepare) > 0) {
                // the next chunk
            }
        } catch (Exception e) {
            LOG.warnf(e, "key rotation: meters left PREPARING until the next pass in %s", interval);
        }
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (worker != null) {
            worker.shutdownNow();
            worker.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
