package org.amihes.association.messaging;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.amihes.association.ReadExecutor;
import org.amihes.association.domain.RecentResults;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadResult;
import org.amihes.service.messaging.JsonMessages;
import org.jboss.logging.Logger;

/**
 * What to do with one read job from the broker. A job is acked only once its result is confirmed by the broker, so
 * a crash loses nothing (the job is redelivered; the result's consumer deduplicates on job id). Malformed jobs are
 * rejected to the dead-letter queue, never retried.
 */
@ApplicationScoped
public class ReadJobConsumer {

    /** How the delivery of a job is settled with the broker. */
    public enum Settlement {
        /** done: its result is confirmed by the broker */
        ACK,
        /** not done (the result was not confirmed, or the service is stopping): deliver it again */
        REQUEUE,
        /** malformed: to the dead-letter queue */
        REJECT
    }

    private static final Logger LOG = Logger.getLogger(ReadJobConsumer.class);
    /** More than the jobs a replica holds unacked at once (partitions × prefetch in a default deployment). */
    private static final int RECENT_RESULTS = 20_000;

    private final JsonMessages json;
    private final ReadExecutor executor;
    private final ReadResultPublisher publisher;
    private final RecentResults<ReadResult> recent = new RecentResults<>(RECENT_RESULTS);

    public ReadJobConsumer(JsonMessages json, ReadExecutor executor, ReadResultPublisher publisher) {
        this.json = json;
        this.executor = executor;
        this.publisher = publisher;
    }

    /**
     * Never fails: every outcome is a {@link Settlement}. {@code redelivered}: the broker delivered the job before
     * (its settlement was lost); if its result was already confirmed, it is published again without a session.
     */
    public Future<Settlement> onJob(byte[] body, boolean redelivered) {
        ReadJob job;
        try {
            job = json.read(body, ReadJob.class);
            if (job.jobId() == null || job.meterId() == null) {
                throw new IOException("jobId and meterId are required");
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("rejecting malformed read job to the dead-letter queue: %s", e.getMessage());
            return Future.succeededFuture(Settlement.REJECT);
        }
        java.util.Optional<ReadResult> done = redelivered ? recent.find(job.jobId()) : java.util.Optional.empty();
        Future<ReadResult> result = done.isPresent() ? Future.succeededFuture(done.get()) : executor.execute(job);
        return result
                .compose(r -> publisher.publish(r).map(r))
                .map(r -> {
                    recent.remember(job.jobId(), r);
                    return Settlement.ACK;
                })
                .otherwise(error -> {
                    LOG.debugf("job %s not done (%s); requeued", job.jobId(), error.getMessage());
                    return Settlement.REQUEUE;
                });
    }
}
