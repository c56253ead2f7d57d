package org.amihes.association.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.amihes.contracts.MeterConnectivityChanged;

/**
 * Meters marked offline, in the registry's table ({@code association.meter.offline_*}), where every replica and the
 * meter API see them. Writes are set-oriented and conditional, so a meter is marked once however many replicas decide
 * it, and cleared once: only the rows that changed get an event, in the outbox, in the same transaction.
 */
@ApplicationScoped
public class ConnectivityStore {

    /** A meter to mark offline: its failures in a row, the first of them, the last one's code and message. */
    public record Offline(String meterId, int failures, Instant since, String reason) {
    }

    /** What the registry says of one meter: {@code offlineSince} null when it is not marked offline. */
    public record Marked(Instant offlineSince, Integer failures, String reason) {
    }

    private final Pool pool;
    private final Outbox outbox;

    public ConnectivityStore(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** Marks these meters offline (those not marked yet) and clears those of {@code online} that were marked. */
    public Uni<List<MeterConnectivityChanged>> apply(List<Offline> offline, List<String> online) {
        Instant now = Instant.now();
        return pool.withTransaction(conn -> {
            Uni<List<MeterConnectivityChanged>> marked = offline.isEmpty() ? Uni.createFrom().item(List.of())
                    : conn.preparedQuery("UPDATE association.meter m SET offline_since = u.since, offline_failures = "
                                    + "u.failures, offline_reason = u.reason FROM unnest($1::text[], $2::timestamptz[], "
                                    + "$3::int[], $4::text[]) AS u(id, since, failures, reason) "
                                    + "WHERE m.meter_id = u.id AND m.offline_since IS NULL "
                                    + "RETURNING m.meter_id, m.offline_since, m.offline_failures, m.offline_reason")
                            .execute(Tuple.of(offline.stream().map(Offline::meterId).toArray(String[]::new),
                                    offline.stream().map(o -> o.since().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
                                    offline.stream().map(Offline::failures).toArray(Integer[]::new),
                                    offline.stream().map(Offline::reason).toArray(String[]::new)))
                            .map(rows -> {
                                List<MeterConnectivityChanged> out = new ArrayList<>();
                                for (Row r : rows) {
                                    out.add(new MeterConnectivityChanged(UUID.randomUUID().toString(), r.getString(0),
                                            false, now, r.getInteger(2), r.getOffsetDateTime(1).toInstant(), r.getString(3)));
                                }
                                return out;
                            });
            Uni<List<MeterConnectivityChanged>> cleared = online.isEmpty() ? Uni.createFrom().item(List.of())
                    : conn.preparedQuery("UPDATE association.meter m SET offline_since = NULL, offline_failures = NULL, "
                                    + "offline_reason = NULL FROM (SELECT meter_id, offline_since FROM association.meter "
                                    + "WHERE meter_id = ANY($1) AND offline_since IS NOT NULL FOR UPDATE) old "
                                    + "WHERE m.meter_id = old.meter_id RETURNING m.meter_id, old.offline_since")
                            .execute(Tuple.of(online.toArray(String[]::new)))
                            .map(rows -> {
                                List<MeterConnectivityChanged> out = new ArrayList<>();
                                for (Row r : rows) {
                                    out.add(new MeterConnectivityChanged(UUID.randomUUID().toString(), r.getString(0),
                                            true, now, 0, r.getOffsetDateTime(1).toInstant(), null));
                                }
                                return out;
                            });
            return marked.chain(m -> cleared.chain(c -> {
                List<MeterConnectivityChanged> all = new ArrayList<>(m);
                all.addAll(c);
                return outbox.connectivityChanged(conn, all).replaceWith(all);
            }));
        });
    }

    /** The registry's mark of one meter; empty when the meter is not registered. */
    public Uni<Optional<Marked>> find(String meterId) {
        return pool.preparedQuery("SELECT offline_since, offline_failures, offline_reason FROM association.meter "
                        + "WHERE meter_id = $1").execute(Tuple.of(meterId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    OffsetDateTime since = r.getOffsetDateTime(0);
                    return Optional.of(new Marked(since == null ? null : since.toInstant(), r.getInteger(1), r.getString(2)));
                });
    }

    /** Meters marked offline now. */
    public Uni<Long> countOffline() {
        return pool.query("SELECT count(*) FROM association.meter WHERE offline_since IS NOT NULL").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
