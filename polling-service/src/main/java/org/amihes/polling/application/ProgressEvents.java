package org.amihes.polling.application;

import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.amihes.polling.domain.BatchProgress;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.service.rest.ProblemException;

/**
 * A batch's progress as a stream: polled from PostgreSQL (reactive client, never blocking) every
 * {@value #POLL_MS} ms, an item each time it changed, the last one when the batch is done; then the stream completes.
 * Whichever replica stored the results, every replica streams the same progress (it is in the database).
 */
@ApplicationScoped
public class ProgressEvents {

    static final long POLL_MS = 500;

    private final ReadStore store;

    public ProgressEvents(ReadStore store) {
        this.store = store;
    }

    public Multi<BatchProgress> of(UUID batchId) {
        Object[] last = new Object[1];
        return Multi.createBy().repeating()
                .uni(() -> store.progress(batchId).map(p -> p.orElseThrow(() -> ProblemException.notFound("batchId",
                        "no read batch '" + batchId + "'"))))
                .withDelay(Duration.ofMillis(POLL_MS))
                .whilst(p -> !p.done())
                .select().where(p -> {
                    Object key = java.util.List.of(p.completed(), p.ok(), p.failed(), p.done());
                    if (Objects.equals(key, last[0])) {
                        return false;
                    }
                    last[0] = key;
                    return true;
                });
    }
}
