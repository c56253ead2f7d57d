package org.amihes.association.messaging;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amihes.association.AssociationConfig;
import org.amihes.association.persistence.JobResultStore;
import org.amihes.association.persistence.JobResultStore.Recorded;
import org.amihes.contracts.MeterJobResult;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Batcher;
import org.jboss.logging.Logger;

/**
 * The durable memory of executed jobs: each result is recorded in PostgreSQL right after the meter answered (a few
 * milliseconds of results per statement), and a job delivered again, by this process or by another after a crash,
 * is answered from here instead of from the meter.
 */
@ApplicationScoped
public class ResultJournal {

    private static final Logger LOG = Logger.getLogger(ResultJournal.class);
    private static final int MAX_BATCH = 500;

    private final JobResultStore store;
    private final JsonMessages json;
    private final Vertx vertx;
    private final Duration retention;
    private final Batcher<Recorded> batches;

    public ResultJournal(JobResultStore store, JsonMessages json, Vertx vertx, AssociationConfig config) {
        this.store = store;
        this.json = json;
        this.vertx = vertx;
        this.retention = config.results().retention();
        this.batches = new Batcher<>(vertx, MAX_BATCH, Math.max(1, config.results().recordDelay().toMillis()),
                list -> Future.fromCompletionStage(store.record(list).subscribeAsCompletionStage()));
    }

    void onStart(@Observes StartupEvent event) {
        vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), Duration.ofHours(1).toMillis(), id -> purge());
    }

    /** Completes once the result ({@code written}: its JSON, as {@link JsonMessages#write} gives it) is durable. */
    public Future<Void> record(String jobId, byte[] written) {
        return batches.add(new Recorded(jobId, written));
    }

    /** The recorded results of those of {@code jobIds} that have one. */
    public Future<Map<String, MeterJobResult>> find(List<String> jobIds) {
        return Future.fromCompletionStage(store.find(jobIds).subscribeAsCompletionStage()).map(found -> {
            Map<String, MeterJobResult> results = new HashMap<>();
            found.forEach((jobId, body) -> parse(jobId, body).ifPresent(r -> results.put(jobId, r)));
            return results;
        });
    }

    private Optional<MeterJobResult> parse(String jobId, byte[] body) {
        try {
            return Optional.of(json.read(body, MeterJobResult.class));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.errorf("recorded result of job %s cannot be read (%s): the job runs again", jobId, e.getMessage());
            return Optional.empty();
        }
    }

    private void purge() {
        store.purgeOlderThan(retention).subscribe().with(
                n -> LOG.debugf("purged %d job results older than %s", n, retention),
                e -> LOG.warnf("could not purge old job results: %s", e.getMessage()));
    }
}
