package org.amihes.association.push;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * Publishes decoded pushes to the events exchange ({@code hes.topology.events-exchange}, topic, declared here),
 * persistent, routing key {@link MeterPushEvent#routingKey()}, message id = event id; the future completes when the
 * broker confirmed it. A push is not stored first: a meter does not resend a DataNotification, so an event the broker
 * refuses is audited as HES-007 and counted, not retried.
 */
@ApplicationScoped
public class PushPublisher {

    private final JsonMessages json;
    private final ExchangePublisher out;

    public PushPublisher(JsonMessages json, Topology topology, RabbitConnections connections) {
        this.json = json;
        this.out = new ExchangePublisher(connections, "push events", topology.eventsExchange(), "topic");
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        out.open(() -> { });
    }

    /** Whether the broker connection is up and the exchange declared (before, every publish fails at once). */
    public boolean ready() {
        return out.ready();
    }

    public Future<Void> publish(MeterPushEvent event) {
        return Future.fromCompletionStage(out.publish(event.routingKey(), event.eventId(), json.write(event)));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
