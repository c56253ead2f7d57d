package org.amihes.service.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A service's outbox table ({@code <schema>.outbox}: {@code id BIGSERIAL, routing_key, payload BYTEA, created_at}, made
 * by the service's own migration): events are written in the same transaction as the change they announce and
 * published by an {@link OutboxRelay}, so a broker away at that moment delays an event but never loses it.
 */
public final class OutboxTable {

    /** The DDL every service's migration uses (schema-less: Flyway runs in the service's schema). */
    public static final String DDL = "CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, routing_key VARCHAR(64) NOT NULL, "
            + "payload BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())";

    private final String table;

    /** {@code table}: schema-qualified, e.g. {@code firmware.outbox}. */
    public OutboxTable(String table) {
        if (!table.matches("[a-z_]+\\.[a-z_]+")) {
            throw new IllegalArgumentException("not a schema-qualified table name: " + table);
        }
        this.table = table;
    }

    public String name() {
        return table;
    }

    /** Writes the events inside the caller's transaction (Vert.x SQL client), in one statement. */
    public Uni<Void> append(SqlConnection conn, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("INSERT INTO " + table + " (routing_key, payload) SELECT * FROM unnest($1::text[], $2::bytea[])")
                .execute(Tuple.of(events.stream().map(OutboxEvent::routingKey).toArray(String[]::new),
                        events.stream().map(e -> Buffer.buffer(e.payload())).toArray(Buffer[]::new)))
                .replaceWithVoid();
    }

    /** Writes one event inside the caller's Hibernate Reactive transaction. */
    public Uni<Void> append(Mutiny.Session session, OutboxEvent event) {
        return session.createNativeQuery("INSERT INTO " + table + " (routing_key, payload) VALUES (?1, ?2)")
                .setParameter(1, event.routingKey())
                .setParameter(2, event.payload())
                .executeUpdate()
                .replaceWithVoid();
    }
}
