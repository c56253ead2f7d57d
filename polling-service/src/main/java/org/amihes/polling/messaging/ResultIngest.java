package org.amihes.polling.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.amihes.contracts.ReadResult;
import org.amihes.polling.PollingConfig;
import org.amihes.polling.persistence.ReadStore;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Groups results into one transaction per {@code batch-size} results (or per {@code max-delay}), then acks
 * their messages. A failed write nacks them for redelivery: nothing is acked before it is durable.
 */
@ApplicationScoped
public class ResultIngest {

    private static final Logger LOG = Logger.getLogger(ResultIngest.class);

    private record Pending(ReadResult result, Message<?> message) {
    }

    private final ReadStore store;
    private final Vertx vertx;
    private final int batchSize;
    private final long maxDelayMs;
    private final Counter stored;
    private List<Pending> buffer = new ArrayList<>();
    private long timer = -1;

    public ResultIngest(ReadStore store, Vertx vertx, PollingConfig config, MeterRegistry metrics) {
        this.store = store;
        this.vertx = vertx;
        this.batchSize = config.ingest().batchSize();
        this.maxDelayMs = Math.max(1, config.ingest().maxDelay().toMillis());
        this.stored = Counter.builder("hes.results.stored").register(metrics);
    }

    void add(ReadResult result, Message<?> message) {
        List<Pending> full = null;
        synchronized (this) {
            buffer.add(new Pending(result, message));
            if (buffer.size() >= batchSize) {
                full = takeBuffer();
            } else if (timer < 0) {
                timer = vertx.setTimer(maxDelayMs, id -> flushOnTimer());
            }
        }
        if (full != null) {
            write(full);
        }
    }

    private void flushOnTimer() {
        List<Pending> due;
        synchronized (this) {
            timer = -1;
            due = takeBuffer();
        }
        if (!due.isEmpty()) {
            write(due);
        }
    }

    private List<Pending> takeBuffer() {
        List<Pending> taken = buffer;
        buffer = new ArrayList<>();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return taken;
    }

    private void write(List<Pending> batch) {
        store.saveResults(batch.stream().map(Pending::result).toList()).subscribe().with(
                ok -> {
                    batch.forEach(p -> p.message().ack());
                    stored.increment(batch.size());
                },
                error -> {
                    LOG.errorf(error, "could not store %d read results; they will be redelivered", batch.size());
                    batch.forEach(p -> p.message().nack(error, Metadata.of(new RabbitMQRejectMetadata(true))));
                });
    }
}
