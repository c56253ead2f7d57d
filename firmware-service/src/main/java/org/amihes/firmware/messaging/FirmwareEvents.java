package org.amihes.firmware.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.amihes.firmware.domain.ImageMetadata;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.outbox.OutboxEvent;
import org.amihes.service.outbox.OutboxRelay;
import org.amihes.service.outbox.OutboxTable;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Firmware events, through the outbox ({@code firmware.outbox}): written in the transaction that stores what they
 * announce, published to the {@code hes.events.exchange} topic exchange (firmware-events) by the relay, with message
 * id {@code firmware-outbox-<row id>} as the consumers' dedup key.
 */
@ApplicationScoped
public class FirmwareEvents {

    public static final OutboxTable OUTBOX = new OutboxTable("firmware.outbox");

    private final JsonMessages json;
    private final OutboxRelay relay;

    public FirmwareEvents(JsonMessages json, Pool pool, Vertx vertx, RabbitConnections connections,
                          @ConfigProperty(name = "hes.events.exchange", defaultValue = "firmware-events") String exchange,
                          @ConfigProperty(name = "hes.events.relay-interval", defaultValue = "2s") Duration interval) {
        this.json = json;
        this.relay = new OutboxRelay(pool, vertx, new ExchangePublisher(connections, "firmware events", exchange, "topic"),
                OUTBOX, "firmware-outbox-", interval);
    }

    void onStart(@Observes StartupEvent event) {
        relay.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        relay.stop();
    }

    /** Writes {@link ImageRegistered} into the outbox, inside the caller's (Hibernate Reactive) transaction. */
    public Uni<Void> imageRegistered(ImageMetadata image) {
        ImageRegistered event = new ImageRegistered(image.id(), image.identifier(), image.version(), image.size(),
                image.sha256());
        return Panache.getSession().chain(s -> OUTBOX.append(s, new OutboxEvent(ImageRegistered.ROUTING_KEY,
                json.write(event))));
    }

    /** An event was committed: publish now rather than at the next periodic pass. */
    public void committed() {
        relay.kick();
    }
}
