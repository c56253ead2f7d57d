package org.amihes.polling.application;

import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import org.amihes.polling.domain.BatchProgress;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.service.rest.ProblemException;
import org.amihes.service.rest.ProgressStream;

/**
 * A batch's progress as a stream ({@link ProgressStream}): read from PostgreSQL every {@value #POLL_MS} ms, an item
 * each time it changed, the last one when the batch is done; any replica streams any batch. An unknown batch fails the
 * stream before its first event (404).
 */
@ApplicationScoped
public class ProgressEvents {

    static final long POLL_MS = 500;
    static final Duration MAX = Duration.ofHours(1);

    private final ReadStore store;

    public ProgressEvents(ReadStore store) {
        this.store = store;
    }

    public Multi<BatchProgress> of(UUID batchId) {
        return ProgressStream.of(() -> store.progress(batchId).map(p -> p.orElseThrow(() -> ProblemException.notFound(
                "batchId", "no read batch '" + batchId + "'"))), BatchProgress::done, Duration.ofMillis(POLL_MS), MAX);
    }
}
