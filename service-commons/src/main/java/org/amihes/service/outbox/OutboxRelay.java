package org.amihes.service.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.jboss.logging.Logger;

/**
 * Publishes an {@link OutboxTable}: claims the oldest events ({@code FOR UPDATE SKIP LOCKED}, so replicas never
 * publish the same row at once), publishes them persistent to the exchange with broker confirms (a batch awaits its
 * confirms together), and deletes them in the same transaction once the broker confirmed every one; a failure (the
 * broker away, a nack) rolls the claim back and the events wait for the next pass. Runs when {@link #kick()}ed (an
 * event was just committed) and every {@code interval} (broker back, another replica's leftovers).
 *
 * <p>At least once: an event whose confirm was lost (a crash, a broken connection mid-pass) is published again, with
 * the same message id ({@code <prefix><row id>}): consumers drop a repeat by it.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int CLAIM = 200;

    private final Pool pool;
    private final Vertx vertx;
    private final ExchangePublisher out;
    private final OutboxTable table;
    private final String messageIdPrefix;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private long timer = -1;

    public OutboxRelay(Pool pool, Vertx vertx, ExchangePublisher out, OutboxTable table, String messageIdPrefix,
                       Duration interval) {
        this.pool = pool;
        this.vertx = vertx;
        this.out = out;
        this.table = table;
        this.messageIdPrefix = messageIdPrefix;
        this.interval = interval;
    }

    /** Connects to the broker in the background, then publishes what is waiting, and every {@code interval}. */
    public void start() {
        out.open(this::kick);
        timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> kick());
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
            again.set(false);
            LOG.warnf("outbox %s: events not published yet (%s); next pass in %s", table.name(), e.getMessage(), interval);
        });
    }

    /** Whether the broker connection is up and the exchange declared (until then the events wait in the table). */
    public boolean ready() {
        return out.ready();
    }

    /** The message id an event of row {@code id} is published with (its dedup key). */
    public String messageId(long id) {
        return messageIdPrefix + id;
    }

    private Uni<Integer> pass() {
        return pool.withTransaction(conn -> conn
                .preparedQuery("SELECT id, routing_key, payload FROM " + table.name() + " ORDER BY id LIMIT " + CLAIM
                        + " FOR UPDATE SKIP LOCKED")
                .execute()
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> ids = new ArrayList<>();
                    List<CompletableFuture<Void>> confirms = new ArrayList<>();
                    for (Row r : rows) {
                        long id = r.getLong("id");
                        ids.add(id);
                        confirms.add(out.publish(r.getString("routing_key"), messageId(id), r.getBuffer("payload").getBytes()));
                    }
                    return Uni.createFrom().completionStage(CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)))
                            .chain(() -> conn.preparedQuery("DELETE FROM " + table.name() + " WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(Long[]::new))))
                            .replaceWith(ids.size());
                }));
    }

    /** Stops the periodic pass and the broker connection. */
    public void stop() throws InterruptedException {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        out.close();
    }
}
