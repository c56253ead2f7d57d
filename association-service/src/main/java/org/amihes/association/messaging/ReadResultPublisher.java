package org.amihes.association.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.ReadResult;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ConfirmedPublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/** Publishes read results; the returned future completes when the broker confirms the message. */
@ApplicationScoped
public class ReadResultPublisher {

    public static final String ROUTING_KEY = "read.result";
    private static final String ROLE = "read results";
    private static final Logger LOG = Logger.getLogger(ReadResultPublisher.class);

    private final JsonMessages json;
    private final String exchange;
    private final RabbitConnections connections;
    private final CompletableFuture<ConfirmedPublisher> publisher = new CompletableFuture<>();

    public ReadResultPublisher(JsonMessages json, Topology topology, RabbitConnections connections) {
        this.json = json;
        this.exchange = topology.resultsExchange();
        this.connections = connections;
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
        ConfirmedPublisher p = publisher.getNow(null);
        if (p == null) {
            return Future.failedFuture(new ConfirmedPublisher.NotConfirmed("not connected to the broker yet"));
        }
        return Future.fromCompletionStage(p.publish(new ConfirmedPublisher.Outgoing(exchange, ROUTING_KEY, result.jobId(),
                json.write(result))));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p != null) {
            p.close();
        }
    }
}
