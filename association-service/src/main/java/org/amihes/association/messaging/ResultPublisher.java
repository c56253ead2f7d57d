package org.amihes.association.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.Vertx;
import java.util.List;
import org.amihes.association.AssociationConfig;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.service.messaging.Batcher;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * Publishes job results in {@link MeterJobResultBatch}es of one command type each (routing key
 * {@code result.<type>}) (up to {@link MeterJobResultBatch#MAX_RESULTS}, or what gathered
 * within {@code hes.results.batch-delay}); the future of each result completes when the broker confirms its batch.
 */
@ApplicationScoped
public class ResultPublisher {

    private final ExchangePublisher out;
    /** One batcher per routing key (command type): a batch carries results of one command type. */
    private final java.util.Map<String, Batcher<Written>> batches = new java.util.concurrent.ConcurrentHashMap<>();
    private final Vertx vertx;
    private final long delayMillis;

    public ResultPublisher(Topology topology, RabbitConnections connections, Vertx vertx,
                               AssociationConfig config) {
        this.out = new ExchangePublisher(connections, "job results", topology.resultsExchange(), "topic");
        this.vertx = vertx;
        this.delayMillis = Math.max(1, config.results().batchDelay().toMillis());
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        out.open(() -> { });
    }

    /** How a {@link MeterJobResultBatch} begins in JSON: its one field, the list of results. */
    private static final byte[] BATCH_HEAD = ("{\"" + MeterJobResultBatch.class.getRecordComponents()[0].getName()
            + "\":[").getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** A result and its JSON. */
    private record Written(String jobId, byte[] json) {
    }

    /**
     * Completes when the broker confirmed the batch that carries this result; {@code written} is its JSON as
     * {@link JsonMessages#write} gives it (the bytes the journal keeps), so it is not written again.
     */
    public Future<Void> publish(MeterJobResult result, byte[] written) {
        return batches.computeIfAbsent(result.routingKey(), key -> new Batcher<>(vertx, MeterJobResultBatch.MAX_RESULTS,
                delayMillis, results -> publishBatch(key, results))).add(new Written(result.jobId(), written));
    }

    private Future<Void> publishBatch(String routingKey, List<Written> results) {
        return Future.fromCompletionStage(out.publish(routingKey, results.get(0).jobId() + "+" + (results.size() - 1),
                batchOf(results.stream().map(Written::json).toList())));
    }

    /** The {@link MeterJobResultBatch} of results already written as JSON, without reading or writing them again. */
    static byte[] batchOf(List<byte[]> results) {
        int size = BATCH_HEAD.length + results.size() + 1;
        for (byte[] r : results) {
            size += r.length;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size).put(BATCH_HEAD);
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                out.put((byte) ',');
            }
            out.put(results.get(i));
        }
        return out.put((byte) ']').put((byte) '}').array();
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
