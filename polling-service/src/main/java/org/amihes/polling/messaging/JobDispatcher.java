package org.amihes.polling.messaging;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.contracts.MeterJob;
import org.amihes.polling.persistence.ReadStore;
import org.jboss.logging.Logger;

/**
 * Gets a stored batch's jobs onto the broker, after the read request was answered: the request never waits for the
 * broker, so it never fails after its batch was stored. A batch is marked published once every job is confirmed; a
 * sweeper publishes again the pending jobs of batches left unpublished (broker outage, crash between commit and
 * publish). At least once: association-service and the result ingest absorb a job published twice.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    static final Duration UNPUBLISHED_AFTER = Duration.ofSeconds(30);

    private final JobPublisher publisher;
    private final ReadStore store;
    private final Vertx vertx;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    public JobDispatcher(JobPublisher publisher, ReadStore store, Vertx vertx) {
        this.publisher = publisher;
        this.store = store;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        vertx.setPeriodic(SWEEP_EVERY.toMillis(), id -> sweep(UNPUBLISHED_AFTER));
    }

    /** Publishes the jobs of a batch that was just stored; failures are left to the sweeper. */
    public void dispatch(UUID batchId, List<MeterJob> jobs) {
        publisher.publishAll(jobs).whenComplete((v, error) -> {
            if (error != null) {
                LOG.warnf("batch %s: %d jobs not confirmed by the broker (%s); they are published again within %d s",
                        batchId, jobs.size(), error.getMessage(), (UNPUBLISHED_AFTER.plus(SWEEP_EVERY)).toSeconds());
                return;
            }
            store.markPublished(batchId).subscribe().with(ok -> { },
                    e -> LOG.warnf("batch %s published but not marked (%s): the sweeper publishes it again", batchId, e.getMessage()));
        });
    }

    /** Publishes again the pending jobs of every batch stored before {@code olderThan} and not marked published. */
    public void sweep(Duration olderThan) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        store.unpublishedBatches(olderThan).subscribe().with(batches -> {
            if (batches.isEmpty()) {
                sweeping.set(false);
                return;
            }
            LOG.infof("publishing again the pending jobs of %d unpublished batches", batches.size());
            sweepNext(batches, 0);
        }, e -> {
            sweeping.set(false);
            LOG.warnf("sweep for unpublished batches failed: %s", e.getMessage());
        });
    }

    private void sweepNext(List<UUID> batches, int i) {
        if (i == batches.size()) {
            sweeping.set(false);
            return;
        }
        UUID batchId = batches.get(i);
        store.pendingJobs(batchId).subscribe().with(jobs -> publisher.publishAll(jobs).whenComplete((v, error) -> {
            if (error == null) {
                store.markPublished(batchId).subscribe().with(ok -> sweepNext(batches, i + 1), e -> sweepNext(batches, i + 1));
            } else {
                sweeping.set(false); // the broker is still away: the next sweep tries again
            }
        }), e -> sweepNext(batches, i + 1));
    }
}
