package org.amihes.association.push;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.amihes.association.AssociationConfig;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.service.messaging.Batcher;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.outbox.OutboxEvent;
import org.amihes.service.outbox.OutboxRelay;
import org.amihes.service.outbox.OutboxTable;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * Records decoded pushes in the push outbox ({@link #TABLE}) and relays them to the events exchange
 * ({@code hes.topology.events-exchange}, topic) with service-commons' {@link OutboxRelay}: persistent, routing key
 * {@link MeterPushEvent#routingKey()}, message id {@code push-<row id>}, deleted once the broker confirmed. A meter does
 * not resend a DataNotification, so a push is recorded before the broker sees it: one that arrives while the broker is
 * away waits in the table and is published when it is back. Rows are written in batches ({@code hes.push.outbox-batch}
 * rows in one statement and transaction, at the latest {@code hes.push.outbox-delay} after the first); the future of
 * {@link #publish} completes when the push's batch is committed.
 */
@ApplicationScoped
public class PushPublisher {

    /** The table (migration V46). A table of its own: its relay publishes to the events exchange, not the registry's. */
    public static final OutboxTable TABLE = new OutboxTable("association.push_outbox");

    private final JsonMessages json;
    private final Pool pool;
    private final OutboxRelay relay;
    private final Batcher<MeterPushEvent> batches;
    private final PushMetrics metrics;

    public PushPublisher(JsonMessages json, Topology topology, RabbitConnections connections, Pool pool, Vertx vertx,
                         AssociationConfig config, PushMetrics metrics) {
        this.json = json;
        this.pool = pool;
        this.metrics = metrics;
        this.relay = new OutboxRelay(pool, vertx,
                new ExchangePublisher(connections, "push events", topology.eventsExchange(), "topic"),
                TABLE, "push-", Duration.ofSeconds(2));
        this.batches = new Batcher<>(vertx, config.push().outboxBatch(),
                Math.max(1, config.push().outboxDelay().toMillis()), this::record);
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        relay.start();
    }

    /** Whether the relay's broker connection is up (before, recorded pushes wait in the outbox). */
    public boolean ready() {
        return relay.ready();
    }

    /** Completes when the event is committed to the push outbox (its publication follows); fails when it is not. */
    public Future<Void> publish(MeterPushEvent event) {
        return batches.add(event);
    }

    private Future<Void> record(List<MeterPushEvent> batch) {
        List<OutboxEvent> rows = batch.stream().map(e -> new OutboxEvent(e.routingKey(), json.write(e))).toList();
        return Future.fromCompletionStage(pool.withTransaction(conn -> TABLE.append(conn, rows))
                        .subscribeAsCompletionStage())
                .onSuccess(v -> {
                    metrics.outboxWrite(rows.size());
                    relay.kick();
                });
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        relay.stop();
    }
}
