package org.amihes.association.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.amihes.association.persistence.Outbox;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * association-service's outbox ({@link Outbox#TABLE}: registry changes, meter connectivity) relayed to the registry
 * exchange by service-commons' {@link org.amihes.service.outbox.OutboxRelay}, right after a change ({@link #kick()})
 * and every two seconds.
 */
@ApplicationScoped
public class OutboxRelay {

    private final org.amihes.service.outbox.OutboxRelay relay;

    public OutboxRelay(Pool pool, Vertx vertx, Topology topology, RabbitConnections connections) {
        this.relay = new org.amihes.service.outbox.OutboxRelay(pool, vertx,
                new ExchangePublisher(connections, "registry events", topology.registryExchange(), "topic"),
                Outbox.TABLE, "outbox-", Duration.ofSeconds(2));
    }

    void onStart(@Observes @Priority(16) StartupEvent event) {
        relay.start();
    }

    /** Publishes what the outbox holds now. */
    public void kick() {
        relay.kick();
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        relay.stop();
    }
}
