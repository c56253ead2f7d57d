package org.amihes.polling.schedules;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.polling.PollingConfig;
import org.jboss.logging.Logger;

/**
 * Every {@code hes.schedules.tick} (1 s), fires whatever is due, one schedule per transaction until none is: every
 * replica runs this; {@link ScheduleFiring} makes each due time fire once. Never blocks the event loop (reactive SQL).
 */
@ApplicationScoped
public class ScheduleTicker {

    private static final Logger LOG = Logger.getLogger(ScheduleTicker.class);

    private final ScheduleFiring firing;
    private final Vertx vertx;
    private long timer = -1;
    private final long tickMs;
    private final AtomicBoolean running = new AtomicBoolean();

    public ScheduleTicker(ScheduleFiring firing, Vertx vertx, PollingConfig config) {
        this.firing = firing;
        this.vertx = vertx;
        this.tickMs = Math.max(10, config.schedules().tick().toMillis());
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(tickMs, id -> tick());
    }

    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    void tick() {
        if (running.compareAndSet(false, true)) {
            next();
        }
    }

    private void next() {
        firing.fireDue().subscribe().with(fired -> {
            if (fired.isPresent()) {
                LOG.debugf("schedule fired: %s", fired.get());
                next();
            } else {
                running.set(false);
            }
        }, e -> {
            running.set(false);
            LOG.warnf("could not fire due schedules (%s); trying again in %d ms", e.getMessage(), tickMs);
        });
    }
}
