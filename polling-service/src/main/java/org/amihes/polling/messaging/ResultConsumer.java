package org.amihes.polling.messaging;

import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.amihes.contracts.ReadResult;
import org.amihes.contracts.ReadResultBatch;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/** Read result batches from RabbitMQ into {@link ResultIngest}; each message is acked only once its results are committed. */
@ApplicationScoped
public class ResultConsumer {

    private static final Logger LOG = Logger.getLogger(ResultConsumer.class);

    private final JsonMessages json;
    private final ResultIngest ingest;

    private final ResultDeadLetters deadLetters;

    public ResultConsumer(JsonMessages json, ResultIngest ingest, ResultDeadLetters deadLetters) {
        this.json = json;
        this.ingest = ingest;
        this.deadLetters = deadLetters;
    }

    @Incoming("read-results")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onResult(Message<?> message) {
        ReadResultBatch batch;
        try {
            batch = json.read(message.getPayload(), ReadResultBatch.class);
            for (ReadResult result : batch.results()) {
                if (result.jobId() == null || result.meterId() == null || result.status() == null
                        || (result.status() == ReadResult.Status.FAILED && result.failure() == null)) {
                    throw new IOException("jobId, meterId, status (and failure when FAILED) are required");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("rejecting malformed read result to the dead-letter queue: %s", e.getMessage());
            byte[] body;
            try {
                body = JsonMessages.bytes(message.getPayload());
            } catch (IOException unreadable) {
                return message.nack(e, Metadata.of(new RabbitMQRejectMetadata(false)));
            }
            // with the reason when it can be sent; a plain reject (RabbitMQ's x-death only) when not
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            CompletableFuture<Void> settled = new CompletableFuture<>();
            deadLetters.send(body, "malformed read result: " + e.getMessage()).whenComplete((v, failure) -> {
                Runnable settle = () -> (failure == null ? message.ack()
                        : message.nack(e, Metadata.of(new RabbitMQRejectMetadata(false)))).whenComplete((x, y) -> settled.complete(null));
                if (context != null) {
                    context.runOnContext(ignored -> settle.run());
                } else {
                    settle.run();
                }
            });
            return settled;
        }
        ingest.add(batch.results(), message);
        return CompletableFuture.completedFuture(null);
    }
}
