package org.amihes.association.messaging;

import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.amihes.association.ReadExecutor;
import org.amihes.contracts.ReadJob;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Meter read jobs from RabbitMQ. A job is acked only once its result is confirmed by the broker, so a crash
 * loses nothing (the job is redelivered; the result's consumer deduplicates on job id). The broker's prefetch
 * ({@code max-outstanding-messages}) bounds how many jobs are in flight; admission control bounds sessions.
 */
@ApplicationScoped
public class ReadJobConsumer {

    private static final Logger LOG = Logger.getLogger(ReadJobConsumer.class);

    private final JsonMessages json;
    private final ReadExecutor executor;
    private final ReadResultPublisher publisher;

    public ReadJobConsumer(JsonMessages json, ReadExecutor executor, ReadResultPublisher publisher) {
        this.json = json;
        this.executor = executor;
        this.publisher = publisher;
    }

    @Incoming("read-jobs")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onJob(Message<?> message) {
        ReadJob job;
        try {
            job = json.read(message.getPayload(), ReadJob.class);
            if (job.jobId() == null || job.meterId() == null) {
                throw new IOException("jobId and meterId are required");
            }
        } catch (IOException | RuntimeException e) {
            // Malformed jobs are never retried: rejected without requeue, they land in the dead-letter queue.
            LOG.errorf("rejecting malformed read job to the dead-letter queue: %s", e.getMessage());
            return message.nack(e, Metadata.of(new RabbitMQRejectMetadata(false)));
        }
        executor.execute(job)
                .compose(publisher::publish)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        message.ack();
                    } else {
                        LOG.warnf(ar.cause(), "result of job %s not confirmed by the broker; job requeued", job.jobId());
                        message.nack(ar.cause(), Metadata.of(new RabbitMQRejectMetadata(true)));
                    }
                });
        return CompletableFuture.completedFuture(null); // take the next job now; this one acks on its own
    }
}
