package org.amihes.association.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import io.vertx.core.Vertx;
import java.util.List;
import org.amihes.association.AssociationConfig;
import org.amihes.contracts.ReadResult;
import org.amihes.contracts.ReadResultBatch;
import org.amihes.service.messaging.Batcher;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ConfirmedPublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Publishes read results in {@link ReadResultBatch}es (up to {@link ReadResultBatch#MAX_RESULTS}, or what gathered
 * within {@code hes.results.batch-delay}); the future of each result completes when the broker confirms its batch.
 */
@ApplicationScoped
public class ReadResultPublisher {

    private static final String ROLE = "read results";
    private static final Logger LOG = Logger.getLogger(ReadResultPublisher.class);

    private final JsonMessages json;
    private final String exchange;
    private final RabbitConnections connections;
    private final CompletableFuture<ConfirmedPublisher> publisher = new CompletableFuture<>();
    private final Batcher<ReadResult> batches;

    public ReadResultPublisher(JsonMessages json, Topology topology, RabbitConnections connections, Vertx vertx,
                               AssociationConfig config) {
        this.json = json;
        this.exchange = topology.resultsExchange();
        this.connections = connections;
        this.batches = new Batcher<>(vertx, ReadResultBatch.MAX_RESULTS,
                Math.max(1, config.results().batchDelay().toMillis()), this::publishBatch);
        connections.require(ROLE);
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                ConfirmedPublisher p = new ConfirmedPublisher(c, "hes-results-publisher");
                p.channelForDeclarations().exchangeDeclare(exchange, "topic", true);
                publisher.complete(p);
            } catch (Exception e) {
                LOG.errorf(e, "cannot open the read-results publisher");
            }
        });
    }

    public Future<Void> publish(ReadResult result) {
        return batches.add(result);
    }

    private Future<Void> publishBatch(List<ReadResult> results) {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p == null) {
            return Future.failedFuture(new ConfirmedPublisher.NotConfirmed("not connected to the broker yet"));
        }
        return Future.fromCompletionStage(p.publish(new ConfirmedPublisher.Outgoing(exchange, ReadResultBatch.ROUTING_KEY,
                results.get(0).jobId() + "+" + (results.size() - 1), json.write(new ReadResultBatch(results)))));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p != null) {
            p.close();
        }
    }
}
