package org.amihes.security.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.outbox.OutboxEvent;
import org.amihes.service.outbox.OutboxRelay;
import org.amihes.service.outbox.OutboxTable;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Security events, through the outbox ({@code security.outbox}): written in the transaction that stores the change
 * they announce, published to the {@code hes.events.exchange} topic exchange (security-events) by the relay, with
 * message id {@code security-outbox-<row id>} as the consumers' dedup key.
 */
@ApplicationScoped
public class SecurityEvents {

    public static final OutboxTable OUTBOX = new OutboxTable("security.outbox");

    private final JsonMessages json;
    private final OutboxRelay relay;

    public SecurityEvents(JsonMessages json, Pool pool, Vertx vertx, RabbitConnections connections,
                          @ConfigProperty(name = "hes.events.exchange", defaultValue = "security-events") String exchange,
                          @ConfigProperty(name = "hes.events.relay-interval", defaultValue = "2s") Duration interval) {
        this.json = json;
        this.relay = new OutboxRelay(pool, vertx, new ExchangePublisher(connections, "security events", exchange, "topic"),
                OUTBOX, "security-outbox-", interval);
    }

    void onStart(@Observes StartupEvent event) {
        relay.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        relay.stop();
    }

    /** {@link SecurityProfileChanged} into the outbox, inside the caller's Hibernate Reactive transaction. */
    public Uni<Void> profileChanged(VersionedProfile stored) {
        return Panache.getSession().chain(s -> OUTBOX.append(s, event(stored)));
    }

    /** {@link SecurityProfileChanged} for each, into the outbox, inside the caller's transaction (SQL client). */
    public Uni<Void> profilesChanged(SqlConnection conn, List<VersionedProfile> stored) {
        return OUTBOX.append(conn, stored.stream().map(this::event).toList());
    }

    /** Events were committed: publish now rather than at the next periodic pass. */
    public void committed() {
        relay.kick();
    }

    private OutboxEvent event(VersionedProfile stored) {
        SecurityProfile p = stored.profile();
        return new OutboxEvent(SecurityProfileChanged.ROUTING_KEY, json.write(new SecurityProfileChanged(p.name(),
                p.securitySuite(), p.authentication(), p.securityPolicy(), p.clientAddress(), p.securitySetup(),
                p.frameCounter(), stored.version())));
    }
}
