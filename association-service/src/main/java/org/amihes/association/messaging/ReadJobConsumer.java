package org.amihes.association.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.amihes.association.ReadExecutor;
import org.amihes.association.domain.RecentResults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadJobBatch;
import org.amihes.contracts.ReadResult;
import org.amihes.service.messaging.JsonMessages;
import org.jboss.logging.Logger;

/**
 * What to do with read jobs from the broker. A message of jobs is acked only once every result is recorded in the
 * journal and confirmed by the broker, so a crash loses nothing (the message is redelivered; a job with a recorded
 * result is not executed again; the results' consumer stores each job once).
 * Malformed messages are rejected to the dead-letter queue, never retried.
 */
@ApplicationScoped
public class ReadJobConsumer {

    /** How the delivery of a message of jobs is settled with the broker; a rejection says why. */
    public record Settlement(Kind kind, String reason) {
        public enum Kind {
            /** done: every result is recorded and confirmed by the broker */
            ACK,
            /** not done (a result not recorded or not confirmed, or the service is stopping): deliver it again */
            REQUEUE,
            /** malformed: to the dead-letter queue, with the reason */
            REJECT
        }

        public static final Settlement ACK = new Settlement(Kind.ACK, null);
        public static final Settlement REQUEUE = new Settlement(Kind.REQUEUE, null);

        public static Settlement reject(String reason) {
            return new Settlement(Kind.REJECT, reason);
        }
    }

    private static final Logger LOG = Logger.getLogger(ReadJobConsumer.class);
    /** More than the jobs a replica holds unacked at once (partitions × prefetch × jobs per message). */
    private static final int RECENT_RESULTS = 50_000;

    private final JsonMessages json;
    private final ReadExecutor executor;
    private final ReadResultPublisher publisher;
    private final ResultJournal journal;
    private final RecentResults<ReadResult> recent = new RecentResults<>(RECENT_RESULTS);
    private final java.util.Map<String, Future<ReadResult>> running = new java.util.concurrent.ConcurrentHashMap<>();

    public ReadJobConsumer(JsonMessages json, ReadExecutor executor, ReadResultPublisher publisher, ResultJournal journal) {
        this.json = json;
        this.journal = journal;
        this.executor = executor;
        this.publisher = publisher;
    }

    /**
     * Handles one message of jobs ({@link ReadJobBatch}). Never fails: every outcome is a {@link Settlement}, for the
     * message as a whole. It is acked once every job's result is confirmed by the broker; if one is not, the message
     * is requeued, and on its redelivery ({@code redelivered}) the jobs already executed, by this replica or by one
     * that died before acking, are answered again from memory or from the {@link ResultJournal}, without a session.
     */
    public Future<Settlement> onJobs(byte[] body, boolean redelivered) {
        ReadJobBatch batch;
        try {
            batch = json.read(body, ReadJobBatch.class);
            for (ReadJob job : batch.jobs()) {
                if (job == null || job.jobId() == null || job.meterId() == null) {
                    throw new IOException("every job needs jobId and meterId");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("rejecting malformed read jobs to the dead-letter queue: %s", e.getMessage());
            return Future.succeededFuture(Settlement.reject("malformed read jobs: " + e.getMessage()));
        }
        List<ReadJob> jobs = batch.jobs();
        Future<Map<String, ReadResult>> recorded = redelivered ? recorded(jobs) : Future.succeededFuture(Map.of());
        return recorded.compose(known -> {
            List<Future<Void>> done = new ArrayList<>(jobs.size());
            for (ReadJob job : jobs) {
                done.add(handle(job, known.get(job.jobId())));
            }
            return Future.join(done);
        }).map(Settlement.ACK).otherwise(error -> {
            LOG.debugf("jobs not all done (%s); message requeued", error.getMessage());
            return Settlement.REQUEUE;
        });
    }

    /**
     * The results a redelivered message's jobs already have: from this process's memory, else from the journal (the
     * process that executed them may have died before the message was acked).
     */
    private Future<Map<String, ReadResult>> recorded(List<ReadJob> jobs) {
        Map<String, ReadResult> known = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (ReadJob job : jobs) {
            recent.find(job.jobId()).ifPresentOrElse(r -> known.put(job.jobId(), r), () -> unknown.add(job.jobId()));
        }
        if (unknown.isEmpty()) {
            return Future.succeededFuture(known);
        }
        return journal.find(unknown).map(fromJournal -> {
            if (!fromJournal.isEmpty()) {
                LOG.infof("%d redelivered jobs answered from the journal, without a session", fromJournal.size());
            }
            known.putAll(fromJournal);
            return known;
        });
    }

    private Future<Void> handle(ReadJob job, ReadResult known) {
        if (known != null) {
            // recorded again in case this process had not recorded it yet (idempotent), then published again
            return Future.join(journal.record(known), publisher.publish(known)).mapEmpty();
        }
        // a copy delivered while the first is still running joins it instead of opening another session
        return executeOnce(job).compose(result -> Future.join(journal.record(result), publisher.publish(result)).mapEmpty());
    }

    private Future<ReadResult> executeOnce(ReadJob job) {
        Promise<ReadResult> mine = Promise.promise();
        Future<ReadResult> earlier = running.putIfAbsent(job.jobId(), mine.future());
        if (earlier != null) {
            return earlier;
        }
        executor.execute(job).onComplete(ar -> {
            if (ar.succeeded()) {
                recent.remember(job.jobId(), ar.result());
            }
            running.remove(job.jobId(), mine.future());
            mine.handle(ar);
        });
        return mine.future();
    }
}
