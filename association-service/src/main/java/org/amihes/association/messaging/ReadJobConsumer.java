package org.amihes.association.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.amihes.association.ReadExecutor;
import org.amihes.association.domain.RecentResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadJobBatch;
import org.amihes.contracts.ReadResult;
import org.amihes.service.messaging.JsonMessages;
import org.jboss.logging.Logger;

/**
 * What to do with read jobs from the broker. A message of jobs is acked only once every result is confirmed by the
 * broker, so a crash loses nothing (the message is redelivered; the results' consumer stores each job once).
 * Malformed messages are rejected to the dead-letter queue, never retried.
 */
@ApplicationScoped
public class ReadJobConsumer {

    /** How the delivery of a job is settled with the broker. */
    public enum Settlement {
        /** done: every result is confirmed by the broker */
        ACK,
        /** not done (the result was not confirmed, or the service is stopping): deliver it again */
        REQUEUE,
        /** malformed: to the dead-letter queue */
        REJECT
    }

    private static final Logger LOG = Logger.getLogger(ReadJobConsumer.class);
    /** More than the jobs a replica holds unacked at once (partitions × prefetch × jobs per message). */
    private static final int RECENT_RESULTS = 50_000;

    private final JsonMessages json;
    private final ReadExecutor executor;
    private final ReadResultPublisher publisher;
    private final RecentResults<ReadResult> recent = new RecentResults<>(RECENT_RESULTS);
    private final java.util.Map<String, Future<ReadResult>> running = new java.util.concurrent.ConcurrentHashMap<>();

    public ReadJobConsumer(JsonMessages json, ReadExecutor executor, ReadResultPublisher publisher) {
        this.json = json;
        this.executor = executor;
        this.publisher = publisher;
    }

    /**
     * Handles one message of jobs ({@link ReadJobBatch}). Never fails: every outcome is a {@link Settlement}, for the
     * message as a whole. It is acked once every job's result is confirmed by the broker; if one is not, the message
     * is requeued, and on its redelivery ({@code redelivered}) the jobs this replica already executed are answered
     * again from memory, without a session.
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
            return Future.succeededFuture(Settlement.REJECT);
        }
        List<Future<Void>> done = new ArrayList<>(batch.jobs().size());
        for (ReadJob job : batch.jobs()) {
            done.add(handle(job, redelivered));
        }
        return Future.join(done).map(Settlement.ACK).otherwise(error -> {
            LOG.debugf("jobs not all done (%s); message requeued", error.getMessage());
            return Settlement.REQUEUE;
        });
    }

    private Future<Void> handle(ReadJob job, boolean redelivered) {
        Optional<ReadResult> known = redelivered ? recent.find(job.jobId()) : Optional.empty();
        // remembered as soon as the meter answered, confirmed or not: a job redelivered because its result could not
        // be published (the broker was away) is answered again from here, without a second session
        // and a copy delivered while the first is still running joins it instead of opening another session
        Future<ReadResult> result = known.isPresent() ? Future.succeededFuture(known.get()) : executeOnce(job);
        return result.compose(publisher::publish);
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
