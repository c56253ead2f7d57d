package org.amihes.polling.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.amihes.contracts.MeterJobResult;
import org.amihes.polling.PollingConfig;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.polling.profiles.ProfileStore;
import org.amihes.service.messaging.Batcher;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Groups result messages into one transaction per {@code batch-size} messages (or per {@code max-delay}), then acks
 * them. A failed write nacks them for redelivery after {@code retry-delay}: nothing is acked before it is durable.
 */
@ApplicationScoped
public class ResultIngest {

    private static final Logger LOG = Logger.getLogger(ResultIngest.class);

    private final ReadStore store;
    private final ProfileStore profiles;
    private final Counter stored;
    private final Counter returned;
    private final Vertx vertx;
    private final long retryDelayMs;
    private final Batcher<List<MeterJobResult>> batches;

    private final org.amihes.polling.mdms.MdmsRelay mdms;

    public ResultIngest(ReadStore store, ProfileStore profiles, Vertx vertx, PollingConfig config, MeterRegistry metrics,
                        org.amihes.polling.mdms.MdmsRelay mdms) {
        this.store = store;
        this.profiles = profiles;
        this.mdms = mdms;
        this.stored = Counter.builder("hes.results.stored").register(metrics);
        this.returned = Counter.builder("hes.results.returned")
                .description("result messages sent back to the queue because their transaction failed").register(metrics);
        this.vertx = vertx;
        this.retryDelayMs = Math.max(1, config.ingest().retryDelay().toMillis());
        this.batches = new Batcher<>(vertx, config.ingest().batchSize(), Math.max(1, config.ingest().maxDelay().toMillis()),
                this::write);
    }

    void add(List<MeterJobResult> results, Message<?> message) {
        batches.add(results).onComplete(ar -> {
            if (ar.succeeded()) {
                message.ack();
            } else {
                // back to the queue after a pause: while the database is away, not a busy loop
                returned.increment();
                vertx.setTimer(retryDelayMs, id -> message.nack(ar.cause(), Metadata.of(new RabbitMQRejectMetadata(true))));
            }
        });
    }

    private Future<Void> write(List<List<MeterJobResult>> messages) {
        List<MeterJobResult> results = messages.stream().flatMap(List::stream).toList();
        // the intervals' day partitions first, outside the transaction (DDL); then everything in one transaction
        return Future.fromCompletionStage(profiles.ensurePartitions(results).chain(() -> store.saveResults(results))
                        .subscribeAsCompletionStage())
                .onSuccess(v -> {
                    stored.increment(results.size());
                    mdms.kick(); // the readings just committed are in the MDMS outbox
                })
                .onFailure(e -> LOG.errorf(e, "could not store %d read results; they will be redelivered", results.size()));
    }
}
