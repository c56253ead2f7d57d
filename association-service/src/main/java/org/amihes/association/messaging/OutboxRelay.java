package org.amihes.association.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox: claims the oldest events ({@code FOR UPDATE SKIP LOCKED}, so replicas never publish the same
 * row at once), publishes them persistent to the registry exchange, and deletes them in the same transaction once
 * the broker confirmed every one; a failure rolls the claim back and the events wait for the next pass. Runs right
 * after a registry change ({@link #kick()}) and every two seconds (broker back, another replica's leftovers).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int CLAIM = 50;

    private final Pool pool;
    private final Vertx vertx;
    private final ExchangePublisher out;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(Pool pool, Vertx vertx, Topology topology, RabbitConnections connections) {
        this.pool = pool;
        this.vertx = vertx;
        this.out = new ExchangePublisher(connections, "registry events", topology.registryExchange(), "topic");
    }

    void onStart(@Observes @Priority(16) StartupEvent event) {
        out.open(this::kick);
        vertx.setPeriodic(2000, id -> kick());
    }

    /** Publishes what the outbox holds now (one pass at a time; a kick during a pass makes another pass). */
    public void kick() {
        if (!out.ready()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        pass().subscribe().with(published -> {
            running.set(false);
            if (published == CLAIM || again.getAndSet(false)) {
                kick();
            }
        }, e -> {
            running.set(false);
            LOG.warnf("outbox: events not published yet (%s); retrying", e.getMessage());
        });
    }

    private Uni<Integer> pass() {
        return pool.withTransaction(conn -> conn
                .preparedQuery("SELECT id, routing_key, payload FROM association.outbox ORDER BY id LIMIT " + CLAIM
                        + " FOR UPDATE SKIP LOCKED")
                .execute()
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> ids = new ArrayList<>();
                    List<CompletableFuture<Void>> confirms = new ArrayList<>();
                    for (Row r : rows) {
                        ids.add(r.getLong("id"));
                        confirms.add(out.publish(r.getString("routing_key"), "outbox-" + r.getLong("id"),
                                r.getBuffer("payload").getBytes()));
                    }
                    return Uni.createFrom().completionStage(CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)))
                            .chain(() -> conn.preparedQuery("DELETE FROM association.outbox WHERE id = ANY($1)")
                                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(ids.toArray(Long[]::new))))
                            .replaceWith(ids.size());
                }));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
