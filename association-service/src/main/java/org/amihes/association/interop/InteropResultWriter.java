package org.amihes.association.interop;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.amihes.association.AssociationConfig;
import org.amihes.association.audit.AuditLog;
import org.jboss.logging.Logger;

/**
 * Writes the settled rows of interoperability runs (verdicts, cancellations, pcaps) in batches: at most
 * {@code hes.interop.flush-batch} rows at once, at the latest after {@code flush-delay}, or at once when the pcaps
 * waiting reach {@link #CAPTURE_FLUSH_BYTES}. Each row's future completes when its batch is committed, so the meter's
 * job is acked only once its verdict is durable. After each commit the runs it touched are ended if no row of theirs
 * is left PENDING, and each run's end is audited by the replica that ended it.
 */
@ApplicationScoped
public class InteropResultWriter {

    private static final Logger LOG = Logger.getLogger(InteropResultWriter.class);
    /** Buffered pcaps of this many bytes are written without waiting for the batch to fill. */
    static final long CAPTURE_FLUSH_BYTES = 32L << 20;

    private record Pending(InteropRunStore.Finished row, InteropRunStore.Capture capture, Promise<Void> done) {
    }

    private final InteropRunStore store;
    private final AuditLog audit;
    private final Vertx vertx;
    private final int batchSize;
    private final long delayMs;
    private final List<Pending> buffer = new ArrayList<>();
    private long capturedBytes;
    private long timer = -1;

    public InteropResultWriter(InteropRunStore store, AuditLog audit, Vertx vertx, AssociationConfig config) {
        this.store = store;
        this.audit = audit;
        this.vertx = vertx;
        this.batchSize = config.interop().flushBatch();
        this.delayMs = Math.max(1, config.interop().flushDelay().toMillis());
    }

    /** Completes when the row (and its pcap, if any) is committed; fails when the write failed. */
    public Future<Void> write(InteropRunStore.Finished row, InteropRunStore.Capture capture) {
        Promise<Void> done = Promise.promise();
        boolean full;
        synchronized (this) {
            buffer.add(new Pending(row, capture, done));
            capturedBytes += capture == null ? 0 : capture.pcap().length;
            full = buffer.size() >= batchSize || capturedBytes >= CAPTURE_FLUSH_BYTES;
            if (!full && timer == -1) {
                timer = vertx.setTimer(delayMs, t -> flush());
            }
        }
        if (full) {
            flush();
        }
        return done.future();
    }

    private void flush() {
        List<Pending> batch;
        synchronized (this) {
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            if (buffer.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(buffer);
            buffer.clear();
            capturedBytes = 0;
        }
        List<InteropRunStore.Finished> rows = new ArrayList<>(batch.size());
        List<InteropRunStore.Capture> captures = new ArrayList<>();
        Set<UUID> runs = new LinkedHashSet<>();
        for (Pending p : batch) {
            rows.add(p.row());
            runs.add(p.row().runId());
            if (p.capture() != null) {
                captures.add(p.capture());
            }
        }
        store.captures(captures).chain(() -> store.finish(rows)).subscribe().with(v -> {
            batch.forEach(p -> p.done().complete());
            endSettled(runs);
        }, e -> {
            LOG.warnf("interop verdicts of %d meters not stored (%s): their jobs go back to the broker", batch.size(),
                    e.getMessage());
            batch.forEach(p -> p.done().fail(e));
        });
    }

    /** Ends the runs (null: every open run) with no PENDING row left, auditing each end once. */
    public void endSettled(Set<UUID> runs) {
        store.endSettled(runs).subscribe().with(ended -> ended.forEach(this::audited),
                e -> LOG.debugf("interop runs not ended yet (%s); the sweep ends them", e.getMessage()));
    }

    private void audited(UUID runId, String status) {
        audit.pass("INTEROP_RUN_" + status, null, runId.toString(), Map.of());
    }
}
