package org.amihes.polling.application;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amihes.contracts.JobPriority;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadRegisters;
import org.amihes.polling.messaging.JobDispatcher;
import org.amihes.polling.persistence.ReadStore;

/**
 * The "read these meters" use case, whoever asks (POST /reads, a schedule): a batch of one read-registers job per
 * meter, stored (PENDING) before anything is published, then handed to the {@link JobDispatcher}, whose sweeper
 * publishes again whatever the broker did not confirm. Progress is the batch's ({@code GET /reads/{batchId}}).
 */
@ApplicationScoped
public class ReadBatches {

    private final ReadStore store;
    private final JobDispatcher dispatcher;

    public ReadBatches(ReadStore store, JobDispatcher dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    /** A batch stored, not yet dispatched. */
    public record Stored(UUID batchId, List<MeterJob> jobs, List<String> registers) {
    }

    /** Stores and dispatches in a transaction of its own; someone is waiting for it ({@link JobPriority#ON_DEMAND}). */
    public Uni<Stored> start(List<String> meterIds, List<String> registers, String idempotencyKey) {
        Stored batch = prepare(meterIds, registers, JobPriority.ON_DEMAND);
        return store.createBatch(batch.batchId(), batch.jobs(), registers, idempotencyKey)
                .invoke(() -> dispatch(batch))
                .replaceWith(batch);
    }

    /**
     * Stores a schedule's batch in the caller's transaction; the caller {@link #dispatch}es after its commit. Its jobs
     * are {@link JobPriority#SCHEDULED}: association-service admits on-demand work before them.
     */
    public Uni<Stored> store(SqlConnection conn, List<String> meterIds, List<String> registers, String idempotencyKey) {
        Stored batch = prepare(meterIds, registers, JobPriority.SCHEDULED);
        return store.createBatch(conn, batch.batchId(), batch.jobs(), registers, idempotencyKey).replaceWith(batch);
    }

    public void dispatch(Stored batch) {
        dispatcher.dispatch(batch.batchId(), batch.jobs());
    }

    public Uni<Boolean> running(SqlConnection conn, UUID batchId) {
        return store.running(conn, batchId);
    }

    private static Stored prepare(List<String> meterIds, List<String> registers, JobPriority priority) {
        UUID batchId = UUID.randomUUID();
        Instant now = Instant.now();
        ReadRegisters command = new ReadRegisters(registers);
        List<MeterJob> jobs = meterIds.stream()
                .map(id -> new MeterJob(batchId + "/" + id, batchId.toString(), id, now, command, null, priority)).toList();
        return new Stored(batchId, jobs, registers);
    }
}
