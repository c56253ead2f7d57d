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
import org.amihes.contracts.ReadResult;
import org.amihes.contracts.ReadResultBatch;
import org.amihes.service.messaging.Batcher;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * Publishes read results in {@link ReadResultBatch}es (up to {@link ReadResultBatch#MAX_RESULTS}, or what gathered
 * within {@code hes.results.batch-delay}); the future of each result completes when the broker confirms its batch.
 */
@ApplicationScoped
public class ReadResultPublisher {

    private final JsonMessages json;
    private final ExchangePublisher out;
    private final Batcher<ReadResult> batches;

    public ReadResultPublisher(JsonMessages json, Topology topology, RabbitConnections connections, Vertx vertx,
                               AssociationConfig config) {
        this.json = json;
        this.out = new ExchangePublisher(connections, "read results", topology.resultsExchange(), "topic");
        this.batches = new Batcher<>(vertx, ReadResultBatch.MAX_RESULTS,
                Math.max(1, config.results().batchDelay().toMillis()), this::publishBatch);
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        out.open(() -> { });
    }

    /** Completes when the broker confirmed the batch that carries this result. */
    public Future<Void> publish(ReadResult result) {
        return batches.add(result);
    }

    private Future<Void> publishBatch(List<ReadResult> results) {
        return Future.fromCompletionStage(out.publish(ReadResultBatch.ROUTING_KEY,
                results.get(0).jobId() + "+" + (results.size() - 1), json.write(new ReadResultBatch(results))));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
