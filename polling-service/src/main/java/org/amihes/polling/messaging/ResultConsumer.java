package org.amihes.polling.messaging;

import com.rabbitmq.client.AMQP;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.ReadProfile;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Read result batches from RabbitMQ into {@link ResultIngest}; each message is acked only once its results are
 * committed. A malformed message goes to the dead-letter queue with the reason ({@link DeadLetters}), published on a
 * connection of its own with a confirm and then acked; until that connection is open, or if the dead letter is not
 * confirmed, it is rejected to the queue's dead-letter exchange instead (reason in the log only).
 */
@ApplicationScoped
public class ResultConsumer {

    private static final Logger LOG = Logger.getLogger(ResultConsumer.class);
    private static final String ROLE = "result dead letters";

    private final JsonMessages json;
    private final ResultIngest ingest;
    private final RabbitConnections connections;
    private final String queue;
    private final String deadLetterQueue;
    /** Dead letters wait for the broker's confirm: never on the event loop. */
    private final ExecutorService refusals = Executors.newSingleThreadExecutor(r -> new Thread(r, "hes-result-dead-letters"));
    private volatile DeadLetters deadLetters;

    public ResultConsumer(JsonMessages json, ResultIngest ingest, RabbitConnections connections,
                          @ConfigProperty(name = "mp.messaging.incoming.read-results.queue.name") String queue,
                          @ConfigProperty(name = "mp.messaging.incoming.read-results.dead-letter-queue-name") String deadLetterQueue) {
        this.json = json;
        this.ingest = ingest;
        this.connections = connections;
        this.queue = queue;
        this.deadLetterQueue = deadLetterQueue;
    }

    void onStart(@Observes StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                deadLetters = new DeadLetters(c, "polling-service");
            } catch (IOException e) {
                LOG.errorf("cannot publish dead letters of results (%s): malformed results are rejected without the reason",
                        e.getMessage());
            }
        });
    }

    @Incoming("read-results")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onResult(Message<?> message) {
        MeterJobResultBatch batch;
        String malformed;
        try {
            batch = json.read(message.getPayload(), MeterJobResultBatch.class);
            malformed = batch == null ? "not a result batch: the body is JSON null" : notOurs(batch);
        } catch (IOException | RuntimeException e) {
            batch = null;
            malformed = DeadLetters.reasonOf(e);
        }
        if (malformed != null) {
            return refuse(message, malformed);
        }
        ingest.add(batch.results(), message);
        return CompletableFuture.completedFuture(null);
    }

    /** What polling-service cannot store although the contract is well formed; null when it can store it all. */
    static String notOurs(MeterJobResultBatch batch) {
        for (int i = 0; i < batch.results().size(); i++) {
            MeterJobResult r = batch.results().get(i);
            boolean registers = ReadRegisters.TYPE.equals(r.command())
                    && (r.outcome() == null || r.outcome() instanceof RegisterReadings);
            boolean profile = ReadProfile.TYPE.equals(r.command())
                    && (r.outcome() == null || r.outcome() instanceof ProfileIntervals);
            if (!registers && !profile) {
                return "field 'results[" + i + "].command': '" + r.command() + "'; polling-service takes "
                        + ReadRegisters.TYPE + " and " + ReadProfile.TYPE + " results only (it binds "
                        + MeterJobResultBatch.routingKey(ReadRegisters.TYPE) + " and "
                        + MeterJobResultBatch.routingKey(ReadProfile.TYPE) + ")";
            }
        }
        return null;
    }

    private CompletionStage<Void> refuse(Message<?> message, String reason) {
        DeadLetters letters = deadLetters;
        IncomingRabbitMQMetadata in = message.getMetadata(IncomingRabbitMQMetadata.class).orElse(null);
        if (letters == null || in == null) {
            LOG.errorf("rejecting a malformed read result to the dead-letter exchange (no dead-letter publisher yet): %s", reason);
            return message.nack(new IOException(reason), Metadata.of(new RabbitMQRejectMetadata(false)));
        }
        DeadLetters.Letter letter = new DeadLetters.Letter(queue, deadLetterQueue, in.getExchange(), in.getRoutingKey(),
                propertiesOf(in), bytesOf(message));
        return CompletableFuture.runAsync(() -> {
            try {
                letters.send(letter, reason);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, refusals).handle((ok, failure) -> failure).thenCompose(failure -> {
            if (failure == null) {
                LOG.warnf("%s: malformed read result refused to %s: %s", queue, deadLetterQueue, reason);
                return message.ack();
            }
            LOG.errorf("rejecting a malformed read result (%s) to the dead-letter exchange: its dead letter was not "
                    + "confirmed (%s)", reason, failure.getMessage());
            return message.nack(new IOException(reason), Metadata.of(new RabbitMQRejectMetadata(false)));
        });
    }

    private static AMQP.BasicProperties propertiesOf(IncomingRabbitMQMetadata in) {
        Map<String, Object> headers = new HashMap<>();
        in.getHeaders().forEach((k, v) -> headers.put(k, v == null ? null : v instanceof Number || v instanceof Boolean ? v : v.toString()));
        return new AMQP.BasicProperties.Builder()
                .contentType(in.getContentType().orElse(null))
                .contentEncoding(in.getContentEncoding().orElse(null))
                .messageId(in.getMessageId().orElse(null))
                .correlationId(in.getCorrelationId().orElse(null))
                .type(in.getType().orElse(null))
                .appId(in.getAppId().orElse(null))
                .headers(headers)
                .build();
    }

    /** The body as it came: the connector has parsed a JSON body into an object, which would re-encode differently. */
    private static byte[] bytesOf(Message<?> message) {
        if (message instanceof io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMessage<?> in) {
            return in.getRabbitMQMessage().body().getBytes();
        }
        Object payload = message.getPayload();
        if (payload instanceof byte[] b) {
            return b;
        }
        if (payload instanceof Buffer b) {
            return b.getBytes();
        }
        if (payload instanceof io.vertx.core.json.JsonObject o) {
            return o.toBuffer().getBytes();
        }
        if (payload instanceof io.vertx.core.json.JsonArray a) {
            return a.toBuffer().getBytes();
        }
        return String.valueOf(payload).getBytes(StandardCharsets.UTF_8);
    }
}
